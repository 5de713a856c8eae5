# SPDX-License-Identifier: BSD-3-Clause
# VXLAN (RFC 7348): encapsulation, decapsulation, flow hash.
list(APPEND VL2_CORE_SOURCES vl2_vxlan.c)

# SPDX-License-Identifier: BSD-3-Clause
# Geneve (RFC 8926): the Geneve header and options over VXLAN's outer
# machinery (vl2_tunnel.h).
list(APPEND VL2_CORE_SOURCES vl2_geneve.c)

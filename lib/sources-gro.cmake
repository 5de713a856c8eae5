# SPDX-License-Identifier: BSD-3-Clause
# Receive coalescing (GRO) of inner TCP segments (issue 12).
list(APPEND VL2_CORE_SOURCES vl2_gro.c)

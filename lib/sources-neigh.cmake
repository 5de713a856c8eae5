# SPDX-License-Identifier: BSD-3-Clause
# Neighbours: ARP/ND table, suppression, resolver, directory, dampening.
list(APPEND VL2_CORE_SOURCES vl2_neigh.c)

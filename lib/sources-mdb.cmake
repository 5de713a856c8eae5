# SPDX-License-Identifier: BSD-3-Clause
# IGMP/MLD snooping (RFC 4541): the MDB, router ports, the querier.
list(APPEND VL2_CORE_SOURCES vl2_mdb.c)

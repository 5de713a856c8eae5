# SPDX-License-Identifier: BSD-3-Clause
# Storm control: per-port, per-class token buckets; segment budgets.
list(APPEND VL2_CORE_SOURCES vl2_storm.c)

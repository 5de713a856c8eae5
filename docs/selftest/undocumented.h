/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * Not part of libvl2: docs.doxygen.selftest feeds this header to the
 * project's Doxyfile and expects doxygen to fail, proving that an
 * undocumented public function or parameter fails docs.doxygen.
 */
#ifndef VL2_DOXYGEN_SELFTEST_H
#define VL2_DOXYGEN_SELFTEST_H

/**
 * A function whose parameter has no @p doc.
 */
int vl2_selftest_missing_param(int x);

int vl2_selftest_undocumented(void);

#endif

/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright (c) 2026 The libvl2 authors
 */
/**
 * @file
 * @defgroup vl2 libvl2
 *
 * The whole public API of libvl2's core: include this one header.
 * Backend headers (tap.h, af_packet.h, ...) are included separately by the
 * programs that link those backends.
 * @{
 */
#ifndef VL2_VL2_H
#define VL2_VL2_H

#include <vl2/common.h>
#include <vl2/version.h>
#include <vl2/switch.h>
#include <vl2/fdb.h>
#include <vl2/neigh.h>
#include <vl2/vlan.h>
#include <vl2/backend.h>
#include <vl2/vxlan.h>
#include <vl2/egress.h>
#include <vl2/geneve.h>
#include <vl2/storm.h>
#include <vl2/mdb.h>
#include <vl2/gro.h>
#include <vl2/trace.h>

/** @} */
#endif /* !defined(VL2_VL2_H) */

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kmod names: mymod called as modprobe, insmod, rmmod, lsmod, modinfo,
 * depmod or kmod takes kmod's options and prints what kmod prints. Each
 * translates its options into the calls a mymod command makes; none is a
 * second implementation.
 */
#pragma once

/* Each is main() of one kmod tool: argv[0] is the name it was called by. */
int names_modprobe(int argc, char *argv[]);
int names_insmod(int argc, char *argv[]);
int names_rmmod(int argc, char *argv[]);
int names_lsmod(int argc, char *argv[]);
int names_modinfo(int argc, char *argv[]);
int names_depmod(int argc, char *argv[]);
int names_kmod(int argc, char *argv[]);

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench_noop_dynamic - exits at once; linked dynamically (libc only), PIE,
 * as the project's programs are. Against bench_floor noop (static, the same
 * nothing) it measures what the dynamic loader and libc's dynamic start-up
 * cost in the benchmark's VM.
 */
int main(void) { return 0; }

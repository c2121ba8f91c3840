#!/bin/sh
# Rebuilds compute.elf with Debian's clang 14 and ld.lld (freestanding RV32IMAC).
set -eu
cd "$(dirname "$0")"
flags="--target=riscv32-unknown-elf -march=rv32imac -mabi=ilp32 -O2 -ffreestanding -fno-builtin -nostdlib"
clang $flags -c compute.c -o /tmp/trapeze-compute.o
clang $flags -c start.S -o /tmp/trapeze-start.o
ld.lld -T link.ld --build-id=none /tmp/trapeze-start.o /tmp/trapeze-compute.o -o compute.elf
rm -f /tmp/trapeze-compute.o /tmp/trapeze-start.o

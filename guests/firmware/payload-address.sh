#!/bin/sh
# payload-address.sh PAYLOAD.bin: prints where the firmware places and enters the payload.
#
# A Linux kernel Image for RISC-V starts with the boot image header (Linux's
# Documentation/riscv/boot-image-header.rst): code0, code1, then at offset 8 text_offset
# (64-bit little-endian: where the image wants to be, from the start of RAM; 0x400000 for rv32,
# whose kernel must start on a 4 MiB boundary), ..., the magic "RISCV\0\0\0" at 0x30 and "RSC\x05"
# at 0x38. Such a payload goes to 0x80000000 + text_offset (which must be a multiple of 2 MiB,
# at least 2 MiB: the firmware's own memory comes first). Any other payload goes to 0x80200000,
# right after the firmware.
set -eu
bytes() { od -An -v -tx1 -j "$2" -N "$3" "$1" 2>/dev/null | tr -d ' \n'; }
payload=$1
if [ "$(bytes "$payload" 56 4)" = "52534305" ] || [ "$(bytes "$payload" 48 8)" = "5249534356000000" ]; then
  le=$(bytes "$payload" 8 8) # text_offset, little-endian
  hex=""
  i=14
  while [ $i -ge 0 ]; do
    hex="$hex$(printf '%s' "$le" | cut -c $((i + 1))-$((i + 2)))"
    i=$((i - 2))
  done
  offset=$((0x$hex))
  if [ $((offset % 0x200000)) -ne 0 ] || [ $offset -lt $((0x200000)) ] || [ $offset -ge $((0x7e00000)) ]; then
    echo "payload-address.sh: $payload: Linux image text_offset 0x$hex is not a multiple of 2 MiB in 2 MiB..126 MiB" >&2
    exit 1
  fi
  printf '0x%08x\n' $((0x80000000 + offset))
else
  echo 0x80200000
fi

#!/bin/sh
# Rebuilds every guest image: sh guests/build.sh (from anywhere).
#
#   1. the M-mode firmware objects (guests/firmware, guests/common)
#   2. the bare-metal images: compute-bare.elf, compute-bare-small.elf (M-mode) and
#      compute-sv32.elf (the same program in S-mode under Sv32: start.S, main.c with -DSV32)
#   3. the firmware self-test: sbitest.elf (firmware + the sbitest S-mode payload), and
#      bootheader.elf (firmware + a payload with Linux's boot image header, entered at
#      0x80400000)
#   4. if guests/os/build.sh exists: it builds guests/build/os.bin (flat, linked at
#      0x80200000), and os.elf is the firmware with that payload (GUESTS_SKIP_OS=1 skips
#      this step, for work on the other images while the OS does not build)
#
# Intermediate files go to guests/build/, images to guests/images/. Every command runs from
# guests/ with relative paths, without debug info or build ids, so the images are
# byte-identical wherever they are rebuilt (check-reproducible.sh verifies that).
#
# Needs Debian's clang 14, ld.lld and llvm-objcopy (apt-get install -y clang lld llvm).
set -eu
cd "$(dirname "$0")"
. common/toolchain.sh # CC, LD, OBJCOPY, CFLAGS, LDFLAGS, cc()

B=build
mkdir -p "$B" images

# --- common and firmware objects ---------------------------------------------------------
# The shared sources these images use (guests/common); os/build.sh builds its own copies.
for f in fdt fmt string; do cc common/$f.c $B/common-$f.o; done

for f in entry; do cc firmware/$f.S $B/fw-$f.o; done
for f in main sbi reserve; do cc firmware/$f.c $B/fw-$f.o; done
. firmware/image.sh # FW_OBJS, COMMON_OBJS, fw_image PAYLOAD.bin IMAGE.elf

# --- bare-metal compute -------------------------------------------------------------------
cc workloads/compute.c $B/compute.o
cc bare/start.S $B/bare-start.o
for variant in "compute-bare 1000" "compute-bare-small 10"; do
  set -- $variant
  cc bare/main.c "$B/$1-main.o" "-DROUNDS=$2"
  # shellcheck disable=SC2086
  "$LD" $LDFLAGS -X -T bare/link.ld $B/bare-start.o "$B/$1-main.o" $B/compute.o $COMMON_OBJS \
    -o "images/$1.elf"
done
# The same program with main() in S-mode under Sv32 translation (bare/sv32.c makes the map).
cc bare/start.S $B/bare-start-sv32.o -DSV32
cc bare/sv32.c $B/bare-sv32.o
cc bare/main.c $B/compute-sv32-main.o -DROUNDS=1000 -DSV32
# shellcheck disable=SC2086
"$LD" $LDFLAGS -X -T bare/link.ld $B/bare-start-sv32.o $B/bare-sv32.o $B/compute-sv32-main.o \
  $B/compute.o $COMMON_OBJS -o images/compute-sv32.elf

# --- firmware self-test --------------------------------------------------------------------
cc sbitest/start.S $B/sbitest-start.o
cc sbitest/main.c $B/sbitest-main.o
# shellcheck disable=SC2086
"$LD" $LDFLAGS -X -T sbitest/link.ld $B/sbitest-start.o $B/sbitest-main.o $COMMON_OBJS \
  -o $B/sbitest.elf
"$OBJCOPY" -O binary $B/sbitest.elf $B/sbitest.bin
fw_image $B/sbitest.bin images/sbitest.elf

# --- a payload with Linux's boot image header (entered at 0x80400000) ----------------------
cc bootheader/start.S $B/bootheader-start.o
# shellcheck disable=SC2086
"$LD" $LDFLAGS -X -T bootheader/link.ld $B/bootheader-start.o -o $B/bootheader.elf
"$OBJCOPY" -O binary $B/bootheader.elf $B/bootheader.bin
fw_image $B/bootheader.bin images/bootheader.elf

# --- the OS (guests/os, built by its own script) -------------------------------------------
if [ -f os/build.sh ] && [ -z "${GUESTS_SKIP_OS:-}" ]; then
  sh os/build.sh
  fw_image $B/os.bin images/os.elf
fi

echo "guests: built $(ls images | tr '\n' ' ')"

#!/bin/sh
# Builds the Linux guest: sh guests/linux/build.sh [defconfig] (from anywhere).
#
#   1. /init (guests/linux/init.c): a static rv32 program without libc that checks processes,
#      copy-on-write, signals, anonymous memory, timers and /proc, then powers off
#   2. the kernel: Debian's linux-source-6.1 (/usr/src/linux-source-6.1.tar.xz), clang/LLVM,
#      `tinyconfig` plus guests/linux/trapeze.config, with /init in a built-in initramfs;
#      with `defconfig`, the stock rv32_defconfig instead (plus the initramfs), for the check
#      that an unmodified configuration boots too
#   3. images/linux.elf (or build/linux-defconfig.elf): the firmware with the kernel's Image as
#      its payload, entered at 0x80400000 as the Image's boot header asks
#
# Everything is built under guests/build/linux*/ from relative inputs, with a fixed build
# timestamp, user and host, so that the image depends on its inputs only
# (check-reproducible.sh linux rebuilds it in a copy and compares).
#
# Needs: apt-get install -y clang lld llvm linux-source-6.1 bc flex bison cpio
set -eu
cd "$(dirname "$0")/.."
. common/toolchain.sh # CC, LD, OBJCOPY, cc
. firmware/image.sh    # fw_image (the firmware objects come from guests/build.sh: run it first)

variant=${1:-trapeze}
case $variant in
trapeze | defconfig) ;;
*)
  echo "usage: sh guests/linux/build.sh [defconfig]" >&2
  exit 2
  ;;
esac
tarball=/usr/src/linux-source-6.1.tar.xz
if [ ! -f "$tarball" ]; then
  echo "guests/linux: $tarball is missing (apt-get install -y linux-source-6.1)" >&2
  exit 1
fi

B=build
SRC=$B/linux-source
OUT=$B/linux-$variant
mkdir -p "$B" "$OUT" images
if [ ! -f "$SRC/Makefile" ]; then
  rm -rf "$SRC" "$B/linux-source-6.1"
  tar -xf "$tarball" -C "$B"
  mv "$B/linux-source-6.1" "$SRC"
fi

# --- /init -----------------------------------------------------------------------------------
"$CC" --target=riscv32-unknown-linux-gnu -march=rv32imac -mabi=ilp32 -mno-relax -O2 -g0 \
  -ffreestanding -fno-builtin -nostdlib -nostdlibinc -fno-pic -fno-stack-protector \
  -fno-asynchronous-unwind-tables -fno-unwind-tables -Wall -Wextra -Werror -static \
  -fuse-ld=lld -Wl,--build-id=none -Wl,-e,_start linux/init.c -o "$B/linux-init"
# The initramfs keeps each file's modification time: pin it (gen_init_cpio's -t covers the rest).
touch -d "@1796515200" "$B/linux-init" # KBUILD_BUILD_TIMESTAMP below
cat >"$B/linux-initramfs.list" <<EOF
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /proc 0755 0 0
file /init $(pwd)/$B/linux-init 0755 0 0
EOF

# --- the kernel --------------------------------------------------------------------------------
export KBUILD_BUILD_TIMESTAMP='Sun Dec  6 00:00:00 UTC 2026' # = @1796515200
export KBUILD_BUILD_USER=trapeze KBUILD_BUILD_HOST=trapeze KBUILD_BUILD_VERSION=1
make_kernel() {
  make -s -C "$SRC" O="$(pwd)/$OUT" ARCH=riscv LLVM=1 "$@"
}
if [ "$variant" = defconfig ]; then
  make_kernel rv32_defconfig
  fragment=$OUT/initramfs.config
  : >"$fragment"
else
  make_kernel tinyconfig
  fragment=$OUT/trapeze.config
  cp linux/trapeze.config "$fragment"
fi
echo "CONFIG_BLK_DEV_INITRD=y" >>"$fragment"
echo "CONFIG_INITRAMFS_SOURCE=\"$(pwd)/$B/linux-initramfs.list\"" >>"$fragment"
"$SRC/scripts/kconfig/merge_config.sh" -m -O "$OUT" "$OUT/.config" "$fragment" >/dev/null
make_kernel olddefconfig
make_kernel -j"$(nproc)" Image

# --- the image -------------------------------------------------------------------------------
image=images/linux.elf
[ "$variant" = defconfig ] && image=$B/linux-defconfig.elf
cp "$OUT/arch/riscv/boot/Image" "$B/linux-$variant.bin"
fw_image "$B/linux-$variant.bin" "$image"
echo "guests/linux: built $image ($(wc -c <"$image") bytes)"

# The toolchain and flags of every guest image, sourced (`. common/toolchain.sh`) from guests/
# by guests/build.sh and guests/os/build.sh, so both build with the same flags. Defines CC, LD,
# OBJCOPY, CFLAGS, LDFLAGS and cc SOURCE OBJECT [EXTRA FLAGS...].
#
# Needs Debian's clang 14, ld.lld and llvm-objcopy (apt-get install -y clang lld llvm); CC, LD
# and OBJCOPY may name others.

CC=${CC:-clang}
LD=${LD:-ld.lld}
OBJCOPY=${OBJCOPY:-llvm-objcopy}

# rv32imac, freestanding, no libc headers (clang's own stdint.h, stddef.h, stdarg.h remain),
# no debug info or unwind tables (nothing path- or time-dependent gets into the objects).
ARCH_FLAGS="--target=riscv32-unknown-elf -march=rv32imac -mabi=ilp32 -mcmodel=medany -mno-relax"
CFLAGS="$ARCH_FLAGS -std=gnu11 -O2 -g0 -ffreestanding -fno-builtin -nostdlib -nostdlibinc \
  -fno-common -fno-pic -fno-asynchronous-unwind-tables -fno-unwind-tables \
  -Wall -Wextra -Werror"
# No build ids: the images must not depend on anything but their inputs.
LDFLAGS="--build-id=none --no-undefined -nostdlib"

cc() { # cc SOURCE OBJECT [EXTRA FLAGS...]: compile (or assemble) with CFLAGS
  src=$1 obj=$2
  shift 2
  # shellcheck disable=SC2086
  "$CC" $CFLAGS "$@" -c "$src" -o "$obj"
}

#!/bin/sh
# Boots a Linux image on QEMU 7.2 and on Trapeze with the same random seed and compares the
# consoles byte for byte: sh guests/linux/compare-qemu.sh [IMAGE] (default: the stock
# rv32_defconfig kernel, guests/build/linux-defconfig.elf, from `build.sh defconfig`).
#
# A Linux kernel seeds its random numbers from the device tree's /chosen/rng-seed, and what it
# does with them (key serials, hash tables, randomised self-tests) changes how many
# instructions it runs, hence its printk timestamps. QEMU writes 32 random bytes there on every
# run, drawn again at its first reset (so `-machine dumpdtb` does not show them); Trapeze
# writes zeros unless given `--rng-seed`. This script starts QEMU stopped with `-seed`, reads
# the seed the guest will get from the device tree in guest memory (a1 at 0x80000000), then
# boots QEMU and Trapeze with that seed. QEMU's RTC is put at Trapeze's epoch (1970, virtual
# time), so the line that prints the wall clock agrees too.
#
# Needs: qemu-system-misc, gdb-multiarch, device-tree-compiler (fdtget), the CLI built
# (npm test builds it). CORE=interpreter runs Trapeze's interpreter core (default: translator);
# SEED=N picks QEMU's -seed (default 1); GDB_PORT the gdbstub's port (default 1234).
set -eu
for tool in qemu-system-riscv32 gdb-multiarch fdtget node; do
  command -v "$tool" >/dev/null || {
    echo "compare-qemu.sh needs $tool (apt-get install -y qemu-system-misc gdb-multiarch device-tree-compiler nodejs)" >&2
    exit 2
  }
done
root=$(cd "$(dirname "$0")/../.." && pwd)
image=${1:-$root/guests/build/linux-defconfig.elf}
seed=${SEED:-1}
port=${GDB_PORT:-1234}
core=${CORE:-translator}
[ -f "$image" ] || {
  echo "no $image (sh guests/linux/build.sh defconfig builds it)" >&2
  exit 2
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
qemu="qemu-system-riscv32 -M virt -cpu rv32,f=false,d=false,h=false,zba=false,zbb=false,zbc=false,zbs=false,sstc=false -bios none -nographic -icount shift=0,sleep=off -m 128M -seed $seed -rtc base=1970-01-01T00:00:00,clock=vm -kernel $image"

# 1. The device tree QEMU hands the guest, read at the first instruction of RAM.
$qemu -gdb tcp::"$port" -S </dev/null >"$work/stopped.txt" 2>&1 &
stopped=$!
sleep 1
gdb-multiarch -batch -ex 'set architecture riscv:rv32' -ex "target remote :$port" \
  -ex 'thbreak *0x80000000' -ex continue \
  -ex "dump binary memory $work/dtb.bin \$a1 \$a1+0x4000" >"$work/gdb.txt" 2>&1 || true
kill -9 "$stopped" 2>/dev/null || true
wait "$stopped" 2>/dev/null || true
hex=$(for b in $(fdtget -t bx "$work/dtb.bin" /chosen rng-seed); do printf '%02x' "0x$b"; done)
[ ${#hex} -eq 64 ] || {
  echo "could not read /chosen/rng-seed from QEMU (see $work/gdb.txt)" >&2
  cat "$work/gdb.txt" >&2
  exit 1
}
echo "rng-seed: $hex"

# 2. Both boots, QEMU's console written to a file (QEMU's stdout is non-blocking).
timeout 600 $qemu </dev/null >"$work/qemu.txt" 2>&1
node "$root/packages/cli/dist/main.js" run --core "$core" --rng-seed "$hex" "$image" </dev/null >"$work/trapeze.txt"
if cmp -s "$work/qemu.txt" "$work/trapeze.txt"; then
  echo "identical on the $core core: $(wc -l <"$work/qemu.txt") lines, $(wc -c <"$work/qemu.txt") bytes"
else
  diff "$work/qemu.txt" "$work/trapeze.txt" | head -40
  exit 1
fi

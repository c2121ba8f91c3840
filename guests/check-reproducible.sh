#!/bin/sh
# Checks that the committed guest images are what the sources build: rebuilds everything in a
# temporary copy of guests/ (so the check also proves no absolute path leaks into an image)
# and compares each image byte for byte with guests/images/. Exits 1 naming every image that
# differs, is missing from the rebuild, or was built but is not committed.
# Needs the same toolchain as build.sh (Debian clang 14, ld.lld, llvm-objcopy).
#
# images/linux.elf is built by guests/linux/build.sh (a kernel build: ≈ 8 minutes on two cores,
# too long for CI) and is checked only with --with-linux (also needs linux-source-6.1, bc,
# flex, bison, cpio); without it, it is left out of the comparison.
set -eu
with_linux=
[ "${1:-}" = --with-linux ] && with_linux=1
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/guests-repro.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# Copy the sources, not build products: no build/, and no images (they must be rebuilt); and
# the PV guest SDK header, which the paravirtualized kernel includes from its package.
(cd "$here" && tar --exclude=./build --exclude=./images -cf - .) | (mkdir -p "$tmp/guests" && cd "$tmp/guests" && tar -xf -)
mkdir -p "$tmp/packages/para-virt"
cp -R "$here/../packages/para-virt/include" "$tmp/packages/para-virt/include"
sh "$tmp/guests/build.sh" > "$tmp/build.log" 2>&1 || {
  cat "$tmp/build.log" >&2
  echo "check-reproducible: the build failed" >&2
  exit 1
}
if [ -n "$with_linux" ]; then
  sh "$tmp/guests/linux/build.sh" > "$tmp/linux.log" 2>&1 || {
    tail -40 "$tmp/linux.log" >&2
    echo "check-reproducible: the Linux build failed" >&2
    exit 1
  }
fi

status=0
for f in "$here"/images/*; do
  name=$(basename "$f")
  [ "$name" = linux.elf ] && [ -z "$with_linux" ] && continue
  if [ ! -e "$tmp/guests/images/$name" ]; then
    echo "check-reproducible: images/$name is committed but the build does not produce it" >&2
    status=1
  elif ! cmp -s "$f" "$tmp/guests/images/$name"; then
    echo "check-reproducible: images/$name differs from a fresh build" >&2
    status=1
  fi
done
for f in "$tmp"/guests/images/*; do
  name=$(basename "$f")
  if [ ! -e "$here/images/$name" ]; then
    echo "check-reproducible: the build produces images/$name, which is not committed" >&2
    status=1
  fi
done
[ "$status" = 0 ] && echo "check-reproducible: $(ls "$tmp/guests/images" | wc -l) images identical to a fresh build"
exit "$status"

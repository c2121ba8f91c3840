# fw_image PAYLOAD.bin IMAGE.elf: the firmware with PAYLOAD.bin at 0x80200000 (a Linux Image:
# where its boot header's text_offset says, 0x80400000 for rv32; firmware/payload-address.sh).
# Sourced from guests/ after common/toolchain.sh by guests/build.sh and guests/linux/build.sh;
# the firmware and common objects must be in build/ (guests/build.sh makes them).
FW_OBJS="build/fw-entry.o build/fw-main.o build/fw-sbi.o build/fw-reserve.o build/common-fdt.o"
COMMON_OBJS="build/common-fmt.o build/common-string.o"

fw_image() {
  name=$(basename "$2" .elf)
  address=$(sh firmware/payload-address.sh "$1")
  cc firmware/payload.S "build/payload-$name.o" "-DFW_PAYLOAD_PATH=\"$1\""
  # shellcheck disable=SC2086
  "$LD" $LDFLAGS -X -T firmware/link.ld --defsym=FW_PAYLOAD_ADDR="$address" $FW_OBJS \
    $COMMON_OBJS "build/payload-$name.o" -o "$2"
}

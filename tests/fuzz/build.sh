#!/bin/sh
# build.sh SRCDIR BUILDDIR: builds the libFuzzer targets of tests/fuzz/targets
# with clang, ASan and UBSan into BUILDDIR/fuzz/ (make fuzz).  The library
# sources are compiled again with coverage instrumentation, using the
# configured tree's config.h and src/paths.h, so it works in-tree or not
# and leaves the ordinary (gcc) build alone.
set -eu
src=$1
bld=$2
out=$bld/fuzz
CLANG=${CLANG:-clang}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
CFLAGS="-std=c11 -g -O1 -fno-omit-frame-pointer $SAN -DHAVE_CONFIG_H \
 -I$bld -I$bld/src -I$src/src -I$src/tests/fuzz \
 $(pkg-config --cflags libcurl jansson openssl libxml-2.0 sqlite3)"
LIBS="$(pkg-config --libs libcurl jansson openssl libxml-2.0 sqlite3) \
 -lldap -llber -lresolv -lm -lpthread"
mkdir -p "$out/obj"
objs=
for f in $(cd "$src" && find src -name '*.c' | sort); do
	b=$(echo "${f#src/}" | sed 's,/,-,g; s,\.c$,,')
	[ "$b" = vigil ] && continue
	f=$src/$f
	o=$out/obj/$b.o
	if [ ! -f "$o" ] || [ "$f" -nt "$o" ] || [ -n "$(find "$src/src" "$bld/src" \
	    -name '*.h' -newer "$o" 2>/dev/null | head -n 1)" ]; then
		echo "  CC(fuzz) ${f#"$src"/}"
		# shellcheck disable=SC2086
		$CLANG $CFLAGS -fsanitize=fuzzer-no-link -c "$f" -o "$o"
	fi
	objs="$objs $o"
done
# shellcheck disable=SC2086
$CLANG $CFLAGS -c "$src/tests/fuzz/fuzz-util.c" -o "$out/obj/fuzz-util.o"
grep -v '^#' "$src/tests/fuzz/targets" | while read -r name file policy rec source field; do
	[ -n "$name" ] || continue
	defs="-DFUZZ_NAME=\"$name\""
	[ -n "${policy:-}" ] && defs="$defs -DFUZZ_POLICY=\"$policy\" \
	    -DFUZZ_RECORDING=\"$rec\" -DFUZZ_SOURCE=\"$source\" \
	    -DFUZZ_FIELD=\"$field\""
	echo "  CCLD(fuzz) fuzz/fuzz-$name"
	# shellcheck disable=SC2086
	$CLANG $CFLAGS $defs -fsanitize=fuzzer "$src/tests/fuzz/$file" \
	    "$out/obj/fuzz-util.o" $objs $LIBS -o "$out/fuzz-$name"
done

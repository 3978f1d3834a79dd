#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seeds taken from the repository's own inputs (C test
# programs, examples, asm files, IR filetests) plus objects built from them with
# clang-19 / llvm-mc-19 when installed. The corpora are regenerated, never committed.
# Usage: fuzz/seed.sh   (from anywhere; existing corpus files are kept)
set -euo pipefail
fuzz_dir=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$fuzz_dir")
corpus="$fuzz_dir/corpus"
cd "$repo"
mkdir -p "$corpus"/{c_parse,c_compile,asm_text,elf_read,ir_text,isa_decode}

# Copies each file into a corpus under a name unique per source path.
put() {
    local dest=$1 file=$2
    cp "$file" "$corpus/$dest/$(echo "$file" | tr '/' '_')"
}

for f in $(git ls-files '*.c' '*.h'); do
    put c_parse "$f"
    put c_compile "$f"
done
for f in $(git ls-files '*.s' '*.S' 'testsuite/conformance/*.data'); do
    put asm_text "$f"
done
# Expected-output asm in codegen snapshots is valid input for the assembler too.
for f in $(git ls-files 'codegen/tests/**/*.snap' | head -n 40); do
    sed '1,/^---$/d' "$f" > "$corpus/asm_text/$(echo "$f" | tr '/' '_').s"
done
for f in $(git ls-files '*.ir'); do
    put ir_text "$f"
done

objs=$(mktemp -d)
trap 'rm -rf "$objs"' EXIT
if command -v clang-19 >/dev/null; then
    n=0
    for f in $(git ls-files 'examples/*.c' 'testsuite/programs/**/*.c' 'codegen/tests/**/*.c'); do
        out="$objs/$(echo "$f" | tr '/' '_').o"
        clang-19 -target bpf -O2 -g -mcpu=v3 -I"$(dirname "$f")" -Iexamples -c "$f" -o "$out" 2>/dev/null || continue
        # Big-endian too, for the byte-order paths.
        clang-19 -target bpfeb -O2 -g -I"$(dirname "$f")" -Iexamples -c "$f" -o "${out%.o}.eb.o" 2>/dev/null || true
        n=$((n + 1))
    done
    echo "clang-19: $n objects"
else
    echo "SKIP clang-19 objects: clang-19 not installed"
fi
if command -v llvm-mc-19 >/dev/null; then
    for f in $(git ls-files '*.s'); do
        llvm-mc-19 -triple bpfel -mcpu=v4 -filetype=obj "$f" -o "$objs/$(echo "$f" | tr '/' '_').o" 2>/dev/null || true
    done
fi
shopt -s nullglob
for o in "$objs"/*.o; do
    cp "$o" "$corpus/elf_read/"
    # The instruction decoder gets the code of each object (the whole file is fine too:
    # `isa_decode` also runs objdump on it).
    cp "$o" "$corpus/isa_decode/"
done
ar_tool=$(command -v llvm-ar-19 || command -v ar || true)
set -- "$objs"/*.o
if [ -n "$ar_tool" ] && [ $# -ge 2 ]; then
    "$ar_tool" rcs "$corpus/elf_read/two.a" "$1" "$2"
fi
# Raw instruction bytes: the 64-bit words after `-- raw` in the conformance files, each
# written little-endian as the kernel reads them.
for f in testsuite/conformance/*.data; do
    grep -q "^-- raw" "$f" || continue
    sed -n '/^-- raw/,/^-- result/p' "$f" | { grep '^0x' || true; } | while read -r word; do
        perl -e 'no warnings; print pack("Q<", hex($ARGV[0]))' "$word"
    done > "$corpus/isa_decode/$(basename "$f").bin"
done
for t in "$corpus"/*; do
    echo "$(basename "$t"): $(ls "$t" | wc -l) seeds"
done

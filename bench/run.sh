#!/usr/bin/env bash
# Runs the SharpLoss benchmark suite (BenchmarkDotNet, in-process) and writes its tables under bench/results/<cpu>/:
#   machine.md          the machine (lscpu, memory, OS, .NET runtime, date)
#   main/*.md           BenchmarkDotNet's tables: roofline, SharpLoss, naive loop, TorchSharp (glibc malloc)
#   tcmalloc/*.md       the TorchSharp cases again with LD_PRELOAD=libtcmalloc_minimal.so.4
#   measurements-*.tsv  every case, machine-readable
#   summary.md          Gelem/s per case, SharpLoss vs TorchSharp / naive loop / memory roofline
#
# Usage: bench/run.sh [--quick] [--filter REGEX]
#   --quick        short job (1 warm-up, 3 iterations of 100 ms) for smoke tests; writes bench/results/<cpu>-quick/,
#                  which git ignores: never publish these numbers.
#   --filter REGEX only cases whose BenchmarkDotNet name matches REGEX (case-insensitive), e.g. Roofline,
#                  Loss=Mse, Size=16M, 'SharpLossRows.*8192|Torch'; writes bench/results/<cpu>-partial/, which
#                  git ignores (the published folder only ever holds full runs).
# A full run takes about 45 minutes on 2 cores. Keep the machine otherwise idle.
set -euo pipefail
cd "$(dirname "$0")/.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

quick=()
filter=()
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=(--quick) ;;
    --filter) filter=(--filter "$2"); shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (usage: bench/run.sh [--quick] [--filter REGEX])" >&2; exit 2 ;;
  esac
  shift
done

start=$(date +%s)
echo "== build (Release)"
dotnet build bench/SharpLoss.Benchmarks/SharpLoss.Benchmarks.csproj -c Release -nologo -clp:ErrorsOnly
exe=bench/SharpLoss.Benchmarks/bin/Release/net10.0/linux-x64/SharpLoss.Benchmarks.dll   # Linux x64 (RID-specific build)
[ -f "$exe" ] || exe=bench/SharpLoss.Benchmarks/bin/Release/net10.0/SharpLoss.Benchmarks.dll

cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -1)
slug=$(printf '%s' "${cpu:-unknown-cpu}" | tr -cs 'A-Za-z0-9' '-' | sed 's/^-*//; s/-*$//')
suffix=""
[ ${#filter[@]} -gt 0 ] && suffix="-partial"
[ ${#quick[@]} -gt 0 ] && suffix="-quick"
out="bench/results/$slug$suffix"
rm -rf "$out/main" "$out/tcmalloc" "$out"/measurements-*.tsv "$out/summary.md"
mkdir -p "$out"

# tcmalloc for the second TorchSharp run: Debian's libtcmalloc-minimal4, installed when missing if we are root.
find_tcmalloc() { /sbin/ldconfig -p 2>/dev/null | awk '/libtcmalloc_minimal\.so\.4 / { print $NF; exit }'; }
tcmalloc=$(find_tcmalloc)
if [ -z "$tcmalloc" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing libtcmalloc-minimal4 (apt-get)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q libtcmalloc-minimal4 >/dev/null 2>&1 \
      || { apt-get update -q >/dev/null 2>&1 && apt-get install -y -q libtcmalloc-minimal4 >/dev/null 2>&1; } \
      || echo "apt-get could not install libtcmalloc-minimal4"
    tcmalloc=$(find_tcmalloc)
  else
    echo "== libtcmalloc_minimal.so.4 not found and not root: the TorchSharp + tcmalloc run is skipped" \
         "(apt-get install libtcmalloc-minimal4 to enable it)"
  fi
fi

{
  echo "# Machine"
  echo
  echo "- CPU: ${cpu:-unknown} ($(lscpu | sed -n 's/^Socket(s): *//p') socket(s), $(lscpu | sed -n 's/^Core(s) per socket: *//p') core(s) per socket, $(lscpu | sed -n 's/^Thread(s) per core: *//p') thread(s) per core; nproc $(nproc))"
  echo "- Caches: $(lscpu | sed -n 's/^\(L[123][di]\{0,1\}\) cache: *\(.*\)/\1 \2/p' | paste -sd ';' | sed 's/;/; /g')"
  echo "- Vector ISA: $(grep -m1 -o -w -E 'avx2|fma|avx512f' /proc/cpuinfo | sort -u | paste -sd ' ')"
  echo "- Memory: $(free -h | awk '/^Mem:/ { print $2 }')"
  echo "- OS: $(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME"), kernel $(uname -r)"
  echo "- .NET runtime: $(dotnet --info | awk '/^Host:/ { h = 1 } h && /Version:/ { print $2; exit }'), SDK $(dotnet --version)"
  echo "- tcmalloc: ${tcmalloc:-not available}"
  echo "- Job: $([ ${#quick[@]} -gt 0 ] && echo 'quick (smoke test, not for publication)' || echo 'full (4 warm-up + 12 iterations of >= 500 ms)')${filter:+, filter '${filter[1]}'}"
  echo "- Load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- Date: $(date -u '+%Y-%m-%d %H:%M UTC')"
} > "$out/machine.md"
cat "$out/machine.md"

echo "== run 1: roofline, SharpLoss, naive loop, TorchSharp (glibc malloc)"
dotnet "$exe" --results "$out" --label main "${quick[@]}" "${filter[@]}"

if [ -n "$tcmalloc" ]; then
  echo "== run 2: TorchSharp with LD_PRELOAD=$tcmalloc"
  LD_PRELOAD="$tcmalloc" dotnet "$exe" --results "$out" --label tcmalloc --torch-only "${quick[@]}" "${filter[@]}"
fi

echo
echo "== done in $(( ($(date +%s) - start) / 60 )) min: $out/summary.md"

# Helpers shared by the end-to-end test scripts (sourced): TAP-style checks and the closing line.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0 n=0

# expect STATUS 'REGEX' CMD...: the exit status and a match in stdout+stderr
expect() {
	local want=$1 pat=$2; shift 2
	n=$((n + 1))
	"$@" >"$tmp/out" 2>&1
	local got=$?
	if [ "$got" -ne "$want" ] || ! grep -Eq -- "$pat" "$tmp/out"; then
		echo "not ok $n - $* (exit $got, wanted $want; output must match '$pat')"
		sed 's/^/    /' "$tmp/out" | head -20
		fails=$((fails + 1))
	else
		echo "ok $n - $*"
	fi
}

# check 'DESCRIPTION' CMD...: the command succeeds
check() {
	local what=$1; shift
	n=$((n + 1))
	if "$@"; then echo "ok $n - $what"; else echo "not ok $n - $what"; fails=$((fails + 1)); fi
}

# finish NAME: the TAP plan and "NAME: N passed, N failed"; the exit status says whether all passed
finish() {
	echo "1..$n"
	echo "$1: $((n - fails)) passed, $fails failed"
	[ "$fails" -eq 0 ]
}

# registry GDBENCH (or a command line ending in it): keep `GDBENCH list --json` for reg
# (false if it fails or does not parse)
registry() {
	"$@" list --json >"$tmp/registry.json" 2>"$tmp/registry.err" &&
		/usr/bin/python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$tmp/registry.json"
}
# reg 'EXPR': print a Python expression evaluated over the registry, so that expected counts
# and kernel names come from the registry on every CPU and architecture, never from constants.
# In scope: a (every entry), U (update rules), G (dense gradient kernels), C (CSR kernels),
# run(xs) (the runnable ones: at or below this process's ISA cap), levels (the ISA levels the
# table has, lowest first: its rows are best first). Lists print one item per line.
reg() {
	/usr/bin/python3 - "$tmp/registry.json" "$1" <<'PY'
import json, sys
a = json.load(open(sys.argv[1]))
U = [e for e in a if e["kind"] == "update"]
G = [e for e in a if e["kind"] == "grad" and e.get("layout", "dense") == "dense"]
C = [e for e in a if e["kind"] == "grad" and e.get("layout") == "csr"]
run = lambda xs: [e for e in xs if e["runnable"]]
levels = []
for e in reversed(U):
    if e["isa"] not in levels:
        levels.append(e["isa"])
v = eval(sys.argv[2])
print("\n".join(map(str, v)) if isinstance(v, (list, tuple)) else v)
PY
}

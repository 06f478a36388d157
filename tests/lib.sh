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

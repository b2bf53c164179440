#!/bin/bash
# Finding commands: `wrappy help`, per-command --help, "did you mean", the man page and
# the bash, zsh and fish completions. Every check of a command's options is made against
# the command table itself (`wrappy dump-commands`), so that a drift fails here.
. "$(dirname "$0")/lib.sh"

# The man page and completions the build made beside the binary (BUILD/data).
GEN_DIR=$(cd "$(dirname "$WRAPPY")/../data" 2>/dev/null && pwd)

need_generated() {
  [ -f "$GEN_DIR/$1" ] || skip "$1 is not beside $WRAPPY (a staged copy of the binaries only)"
}

# table EXPR: a Python expression over the command table as JSON (`j`), one item a line.
# cmds(j) yields (path, command) for every command and subcommand that is not hidden.
table() {
  ok wrappy dump-commands
  printf '%s' "$OUT" | "$PYTHON" -c '
import json, sys
j = json.load(sys.stdin)
def cmds(cs, parents=()):
    for c in cs:
        yield parents + (c["name"],), c
        yield from cmds(c["subcommands"] or [], parents + (c["name"],))
def opts(c):
    return ["--" + o["long"] for o in c["options"] + j["global"]["options"]]
for line in eval(sys.argv[1]):
    print(line)' "$1" || fail "table query failed: $1"
}

test_help_lists_every_command() {
  local names name
  names=$(table '[c["name"] for c in j["commands"]]')
  assert_contains "$names" "install"
  ok wrappy help
  local help=$OUT
  ok wrappy --help
  assert_eq "$help" "$OUT" "wrappy help and wrappy --help"
  for name in $names; do
    grep -Eq "^  $name +[A-Z]" <<<"$help" || fail "wrappy help does not list $name"
  done
  assert_not_contains "$help" "dump-commands"
  assert_not_contains "$help" "search-refresh"
}

test_command_help_names_command_and_options() {
  local path opt help n=0
  while IFS='|' read -r path opts; do
    n=$((n + 1))
    ok wrappy help $path
    help=$OUT
    ok wrappy $path --help
    assert_eq "$help" "$OUT" "wrappy help $path and wrappy $path --help"
    assert_contains "$help" "wrappy $path [OPTION"
    for opt in $opts --help; do
      grep -Eq -- "(^| )$opt([= ]|$)" <<<"$help" || fail "wrappy help $path lacks $opt"
    done
  done < <(table '[" ".join(p) + "|" + " ".join(opts(c)) for p, c in cmds(j["commands"])]')
  [ "$n" -ge 15 ] || fail "only $n commands in the table"
  # What the issue saw missing.
  ok wrappy install --help
  assert_contains "$OUT" "wrappy install [OPTION…]"
  assert_contains "$OUT" "--from-snap"
  assert_contains "$OUT" "--channel"
}

test_help_errors() {
  assert_fails_with 2 "unknown command 'frobnicate'; see 'wrappy help'" wrappy help frobnicate
  assert_fails_with 2 "unknown command 'search-live'" wrappy help search-live
  assert_fails_with 2 "'install' has no subcommands" wrappy help install add
  ok wrappy help remote add
  assert_contains "$OUT" "wrappy remote add [OPTION…]"
  assert_contains "$OUT" "--no-gpg-verify"
  ok wrappy help remote
  assert_contains "$OUT" "remove"
}

# The one line of a usage error: exit 2, stderr that line only.
assert_usage_error() {
  local line=$1
  shift
  run "$@"
  [ "$RC" = 2 ] || { _show_last "$*"; fail "expected exit 2 from: $*"; }
  assert_eq "$line" "$ERR" "stderr of: $*"
}

test_unknown_command_did_you_mean() {
  assert_usage_error "error: unknown command 'instal'; did you mean 'install'?" wrappy instal foo
  assert_usage_error "error: unknown command 'isntall'; did you mean 'install'?" wrappy isntall
  assert_usage_error "error: unknown command 'snapshto'; did you mean 'snapshot'?" wrappy snapshto
  assert_usage_error "error: unknown command 'hepl'; did you mean 'help'?" wrappy hepl
  assert_usage_error "error: unknown command 'frobnicate'; see 'wrappy help'" wrappy frobnicate
  assert_usage_error "error: unknown command 'instal'; did you mean 'install'?" wrappy help instal
  assert_usage_error "error: unknown command 'remote ad'; did you mean 'remote add'?" wrappy remote ad
  # Hidden commands are never offered.
  assert_usage_error "error: unknown command 'search-snp'; see 'wrappy help'" wrappy search-snp
}

setup_installed() {
  start_server
  cached_install hello add_and_install org.wrappy.Hello
}

test_app_id_did_you_mean() {
  setup_installed
  local id
  for id in org.wrappy.Helo org.wrappy.hello org.wapy.Hello; do
    assert_fails_with 1 "^error: $id is not installed; did you mean 'org.wrappy.Hello'\?$" wrappy run "$id"
    assert_fails_with 1 "did you mean 'org.wrappy.Hello'\?$" wrappy info "$id"
    assert_fails_with 1 "did you mean 'org.wrappy.Hello'\?$" wrappy uninstall "$id"
  done
  # An invalid ID close to an installed one.
  assert_fails_with 1 "not a valid app ID.*did you mean 'org.wrappy.Hello'\?$" wrappy info org.wrappy
  assert_fails_with 1 "not a valid app ID.*did you mean 'org.wrappy.Hello'\?$" wrappy uninstall org.wrappy
  # Nothing close: the usual hint, no guess.
  assert_fails_with 1 "org.gnome.Calculator is not installed; see 'wrappy list'" \
    wrappy info org.gnome.Calculator
  assert_not_contains "$ERR" "did you mean"
  ok wrappy info org.wrappy.Hello
}

test_man_page() {
  command -v man >/dev/null || skip "man is not installed (man-db)"
  need_generated wrappy.1
  local text opt path
  run env LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$GEN_DIR/wrappy.1"
  [ "$RC" = 0 ] || fail "man -l failed: $ERR"
  assert_eq "" "$ERR" "man --warnings"
  text=$OUT
  assert_contains "$text" "EXIT STATUS"
  while IFS='|' read -r path opts; do
    grep -q -- "wrappy $path \[OPTION...\]" <<<"$text" || fail "the man page lacks wrappy $path"
    for opt in $opts; do
      grep -Eq -- "(^| )$opt([= ]|$)" <<<"$text" || fail "the man page lacks $path $opt"
    done
  done < <(table '[" ".join(p) + "|" + " ".join(opts(c)) for p, c in cmds(j["commands"]) if not c["subcommands"]]')
}

# bash_complete WORD…: what bash's completion for wrappy offers for the last WORD, as
# bash would ask it (the function `complete -p wrappy` names, COMP_WORDS, COMP_CWORD).
bash_complete() {
  OUT=$(PATH="$(dirname "$WRAPPY"):$PATH" bash --norc -c '
    . "$1"; shift
    spec=$(complete -p wrappy) || exit 3
    fn=${spec#*-F }; fn=${fn%% *}
    COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    "$fn" wrappy "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    printf "%s\n" "${COMPREPLY[@]}"' bash "$GEN_DIR/wrappy" wrappy "$@") ||
    fail "bash completion failed for: wrappy $*"
}

test_bash_completion() {
  need_generated wrappy
  local name opt
  bash_complete ""
  for name in $(table '[c["name"] for c in j["commands"]]'); do
    grep -qx "$name" <<<"$OUT" || fail "bash does not complete the command $name"
  done
  assert_not_contains "$OUT" "dump-commands"
  bash_complete ins
  assert_eq "install" "$OUT" "bash: wrappy ins"
  bash_complete install --
  for opt in $(table '[o for p, c in cmds(j["commands"]) if p == ("install",) for o in opts(c)]'); do
    grep -Eqx -- "$opt=?" <<<"$OUT" || fail "bash does not complete install $opt"
  done
  bash_complete remote ""
  assert_eq "add list remove" "$(echo $OUT)" "bash: wrappy remote"
  bash_complete remote add --no
  assert_eq "--no-gpg-verify" "$OUT" "bash: wrappy remote add --no"
  bash_complete help ins
  assert_eq "install" "$OUT" "bash: wrappy help ins"

  start_server
  cached_install hello add_and_install org.wrappy.Hello
  bash_complete run org.wrappy.
  assert_eq "org.wrappy.Hello" "$OUT" "bash: installed app IDs"
  bash_complete --verbose info ""
  assert_eq "org.wrappy.Hello" "$OUT" "bash: after a global option"
  bash_complete run --isolation=full org.
  assert_eq "org.wrappy.Hello" "$OUT" "bash: after an option with a value"
  bash_complete run --isolation full ""
  assert_eq "org.wrappy.Hello" "$OUT" "bash: after an option and its value"
  bash_complete remote remove ""
  assert_eq "test" "$OUT" "bash: remote names"
  ok wrappy remote add --no-gpg-verify other "$SERVER_URL/repo"
  bash_complete remote remove o
  assert_eq "other" "$OUT" "bash: a remote added later"
}

test_zsh_completion() {
  command -v zsh >/dev/null || skip "zsh is not installed"
  need_generated _wrappy
  local name
  ok zsh -n "$GEN_DIR/_wrappy"
  [ "$(head -n 1 "$GEN_DIR/_wrappy")" = "#compdef wrappy" ] || fail "_wrappy lacks #compdef wrappy"
  # Each command has its function, named in the table of commands.
  for name in $(table '["_".join(p).replace("-", "_") for p, c in cmds(j["commands"])]'); do
    grep -q "^_wrappy_$name() {" "$GEN_DIR/_wrappy" || fail "_wrappy has no function for $name"
  done
  ok zsh -c "autoload -Uz compinit && compinit -u -d '$T_DIR/zcompdump' && fpath=('$GEN_DIR' \$fpath) && autoload -Uz _wrappy && print \$functions[_wrappy_install]"
}

# fish_complete LINE: what fish's own completion offers for LINE (`complete -C`).
fish_complete() {
  OUT=$(PATH="$(dirname "$WRAPPY"):$PATH" fish --no-config -c "source '$GEN_DIR/wrappy.fish'; complete -C '$1'" |
    cut -f1) || fail "fish completion failed for: $1"
}

test_fish_completion() {
  command -v fish >/dev/null || skip "fish is not installed"
  need_generated wrappy.fish
  local name opt
  ok fish --no-execute "$GEN_DIR/wrappy.fish"
  fish_complete "wrappy "
  for name in $(table '[c["name"] for c in j["commands"]]'); do
    grep -qx "$name" <<<"$OUT" || fail "fish does not complete the command $name"
  done
  fish_complete "wrappy install --"
  for opt in $(table '[o for p, c in cmds(j["commands"]) if p == ("install",) for o in opts(c)]'); do
    grep -qx -- "$opt" <<<"$OUT" || fail "fish does not complete install $opt"
  done
  fish_complete "wrappy remote "
  assert_eq "add list remove" "$(echo $OUT)" "fish: wrappy remote"

  start_server
  cached_install hello add_and_install org.wrappy.Hello
  fish_complete "wrappy run org.wrappy."
  assert_eq "org.wrappy.Hello" "$OUT" "fish: installed app IDs"
  fish_complete "wrappy remote remove "
  assert_eq "test" "$OUT" "fish: remote names"
}

test_complete_helper() {
  ok wrappy complete apps
  assert_eq "" "$OUT" "no apps yet"
  ok wrappy complete remotes
  assert_eq "" "$OUT" "no remotes yet"
  assert_fails_with 2 "usage: wrappy complete apps\|remotes" wrappy complete frobs
}

run_tests "$@"

#!/bin/bash
# Translations: user-facing messages follow the locale (uk_UA, ru_RU), English under C.
. "$(dirname "$0")/lib.sh"

# The catalogs of a build-tree binary are in BUILD/po/<lang>/LC_MESSAGES/wrappy.mo; an
# installed binary finds its own under the install prefix, so leave it alone then.
if [ -z "${WRAPPY_LOCALEDIR:-}" ]; then
  _po=$(cd "$(dirname "$WRAPPY")/.." 2>/dev/null && pwd)/po
  [ -f "$_po/uk/LC_MESSAGES/wrappy.mo" ] && export WRAPPY_LOCALEDIR=$_po
  unset _po
fi

I18N_LOCALES=(uk_UA.UTF-8 ru_RU.UTF-8)

# have_locale NAME: NAME (e.g. uk_UA.UTF-8) is generated on this machine.
have_locale() {
  local want
  want=$(printf '%s' "$1" | tr 'A-Z' 'a-z' | sed 's/utf-\?8$/utf8/')
  locale -a 2>/dev/null | tr 'A-Z' 'a-z' | sed 's/utf-\?8$/utf8/' | grep -qxF "$want"
}

# As root, generate the locales the tests need (before any switch to the test user).
ensure_locales() {
  [ "$(id -u)" = 0 ] || return 0
  local l missing=()
  for l in "${I18N_LOCALES[@]}"; do have_locale "$l" || missing+=("$l"); done
  [ ${#missing[@]} -gt 0 ] || return 0
  if [ -f /etc/locale.gen ] && command -v locale-gen >/dev/null; then
    for l in "${missing[@]}"; do
      if grep -q "^# *$l UTF-8" /etc/locale.gen; then
        sed -i "s/^# *\($l UTF-8\)/\1/" /etc/locale.gen
      elif ! grep -q "^$l UTF-8" /etc/locale.gen; then
        echo "$l UTF-8" >>/etc/locale.gen
      fi
    done
    locale-gen >/dev/null 2>&1 || true
  fi
  for l in "${missing[@]}"; do
    have_locale "$l" || localedef -i "${l%%.*}" -f UTF-8 "$l" >/dev/null 2>&1 || true
  done
}
ensure_locales

# need_locale NAME: skip the test unless NAME is available.
need_locale() {
  have_locale "$1" && return 0
  if [ "$(id -u)" = 0 ]; then
    skip "locale $1 is not available and could not be generated (is the locales package installed?)"
  fi
  skip "locale $1 is not available (run as root to generate it, or: locale-gen $1)"
}

# in_locale NAME CMD…: CMD with every locale category set to NAME.
in_locale() {
  local l=$1
  shift
  env -u LANGUAGE LANG="$l" LC_ALL="$l" "$@"
}

# missing_app_error LOCALE: `wrappy info org.example.Missing` fails with exit 1 and
# exactly one line on stderr; that line is left in ERR.
missing_app_error() {
  run in_locale "$1" "$WRAPPY" info org.example.Missing
  if [ "$RC" != 1 ]; then
    _show_last "wrappy info org.example.Missing ($1)"
    fail "expected exit 1 under $1"
  fi
  local n
  n=$(printf '%s' "$ERR" | grep -c '' || true)
  [ "$n" = 1 ] || { _show_last "wrappy info org.example.Missing ($1)"; fail "expected one line on stderr, got $n"; }
  assert_eq "" "$OUT" "stdout"
}

test_error_ukrainian() {
  need_locale uk_UA.UTF-8
  missing_app_error uk_UA.UTF-8
  assert_contains "$ERR" "помилка: " "the error prefix"
  assert_contains "$ERR" "застосунок org.example.Missing не встановлено" "the message"
  assert_contains "$ERR" "'wrappy install org.example.Missing'" "the hint"
  assert_not_contains "$ERR" "is not installed" "the message"
}

test_error_russian() {
  need_locale ru_RU.UTF-8
  missing_app_error ru_RU.UTF-8
  assert_contains "$ERR" "ошибка: " "the error prefix"
  assert_contains "$ERR" "приложение org.example.Missing не установлено" "the message"
  assert_contains "$ERR" "'wrappy install org.example.Missing'" "the hint"
  assert_not_contains "$ERR" "is not installed" "the message"
}

test_error_english_under_c() {
  missing_app_error C
  assert_eq "error: org.example.Missing is not installed; see 'wrappy list', or install it with 'wrappy install org.example.Missing'" \
    "$ERR" "the message"
  missing_app_error C.UTF-8
  assert_contains "$ERR" "error: org.example.Missing is not installed" "the message under C.UTF-8"
}

test_help_translated() {
  need_locale uk_UA.UTF-8
  need_locale ru_RU.UTF-8
  run in_locale uk_UA.UTF-8 "$WRAPPY" --help
  assert_eq 0 "$RC" "exit status of --help (uk)"
  assert_contains "$OUT" "Використання: wrappy"
  assert_contains "$OUT" "Запустити встановлений застосунок у його пісочниці"
  run in_locale ru_RU.UTF-8 "$WRAPPY" --help
  assert_eq 0 "$RC" "exit status of --help (ru)"
  assert_contains "$OUT" "Использование: wrappy"
  assert_contains "$OUT" "Запустить установленное приложение в его песочнице"
}

# Issue 19's messages (ps, override, snapshots, the offline search, update --dry-run's
# help) follow the locale too.
test_issue_19_messages_translated() {
  need_locale uk_UA.UTF-8
  need_locale ru_RU.UTF-8
  run in_locale uk_UA.UTF-8 "$WRAPPY" ps
  assert_contains "$ERR" "Жоден застосунок не запущено"
  run in_locale ru_RU.UTF-8 "$WRAPPY" ps
  assert_contains "$ERR" "Ни одно приложение не запущено"
  run in_locale uk_UA.UTF-8 "$WRAPPY" override --socket=bogus
  assert_contains "$ERR" "невідомий сокет «bogus»"
  run in_locale ru_RU.UTF-8 "$WRAPPY" override --env=noeq
  assert_contains "$ERR" "«noeq» не имеет вида VAR=VALUE"
  run in_locale uk_UA.UTF-8 "$WRAPPY" kill org.example.Missing
  assert_contains "$ERR" "org.example.Missing не запущено"
  run in_locale ru_RU.UTF-8 "$WRAPPY" snapshots
  assert_contains "$ERR" "Снимков нет"
  run in_locale uk_UA.UTF-8 "$WRAPPY" update --help
  assert_contains "$OUT" "Показати, що зміниться"
  run in_locale ru_RU.UTF-8 "$WRAPPY" help override
  assert_contains "$OUT" "Переопределение никогда не снимает ограничений уровня изоляции"
  run in_locale uk_UA.UTF-8 "$WRAPPY" search --source=appimage firefox
  assert_contains "$ERR" "каталог AppImage «appimagehub»: немає з'єднання"
}

run_tests "$@"

#!/bin/bash
# Exported launchers and icons.
. "$(dirname "$0")/lib.sh"

setup_gui() {
  start_server
  cached_install org.wrappy.Gui add_and_install org.wrappy.Gui
  DESKTOP=$XDG_DATA_HOME/applications/org.wrappy.Gui.desktop
  assert_file "$DESKTOP"
}

test_desktop_file_validates() {
  setup_gui
  ok desktop-file-validate "$DESKTOP"
}

# Issue 16, item 8: only the keys a launcher needs (X-KDE-SubstituteUID=true with
# X-KDE-Username=root ran the Exec as root under KDE), no control characters.
test_desktop_only_launcher_keys() {
  setup_gui
  assert_not_contains "$(cat "$DESKTOP")" "X-KDE" "the exported launcher"
  assert_contains "$(cat "$DESKTOP")" "Name[de]=Wrappy ]0;ownedGui" "the translated name"
  ! tr -d '\n' <"$DESKTOP" | LC_ALL=C grep -q '[[:cntrl:]]' || fail "a control character is left"
  ok desktop-file-validate "$DESKTOP"
}

test_desktop_exec_runs_wrappy() {
  setup_gui
  local exec
  exec=$(sed -n 's/^Exec=//p' "$DESKTOP" | head -1)
  assert_contains "$exec" "wrappy" "Exec"
  assert_contains "$exec" " run " "Exec"
  assert_contains "$exec" "org.wrappy.Gui" "Exec"
  assert_contains "$exec" "%U" "Exec (field codes kept)"
  assert_not_contains "$(cat "$DESKTOP")" "TryExec=" "the exported launcher"
  assert_contains "$(cat "$DESKTOP")" "Icon=org.wrappy.Gui" "the exported launcher"
  # Launch it the way a menu would, with the field code expanded to nothing.
  local cmd=${exec//%U/}
  PATH=$(dirname "$WRAPPY"):$PATH ok sh -c "$cmd"
  assert_contains "$OUT" "hello from org.wrappy.Gui"
}

test_desktop_bad_names_not_exported() {
  setup_gui
  local f
  for f in "$XDG_DATA_HOME/applications"/*; do
    case "$(basename "$f")" in
      org.wrappy.Gui.desktop | org.wrappy.Gui.*.desktop | mimeinfo.cache) ;;
      *) fail "unexpected export $(basename "$f")" ;;
    esac
  done
  ! grep -rqs pwned "$XDG_DATA_HOME/applications" || fail "evil.desktop content was exported"
}

test_desktop_icons_exported() {
  setup_gui
  assert_file "$XDG_DATA_HOME/icons/hicolor/64x64/apps/org.wrappy.Gui.png"
  assert_file "$XDG_DATA_HOME/icons/hicolor/scalable/apps/org.wrappy.Gui.svg"
}

test_desktop_none_for_cli_app() {
  start_server
  cached_install org.wrappy.Hello add_and_install org.wrappy.Hello
  [ -z "$(ls -A "$XDG_DATA_HOME/applications" 2>/dev/null | grep -v mimeinfo.cache)" ] ||
    fail "an app without a launcher exported: $(ls "$XDG_DATA_HOME/applications")"
}

run_tests "$@"

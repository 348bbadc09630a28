#!/bin/sh
# Puts Hearth in this user's application menu: a desktop entry that starts this folder's Hearth,
# and the icon in the hicolor theme. Nothing outside ~/.local/share (or $XDG_DATA_HOME) is touched;
# uninstall.sh takes it out again. Run it again after moving this folder.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
apps=$data/applications
icons=$data/icons/hicolor

[ -x "$here/Hearth" ] || { echo "install.sh: $here/Hearth is missing; unpack the whole archive first" >&2; exit 1; }

mkdir -p "$apps"
(cd "$here/share/icons/hicolor" && find . -name 'hearth.*' -type f) | while read -r icon; do
  mkdir -p "$icons/$(dirname "$icon")"
  cp -f "$here/share/icons/hicolor/$icon" "$icons/$icon"
done

# Exec takes the path in double quotes, where " ` $ \ need a backslash and % is doubled; every
# backslash is then doubled once more because a desktop file's string values are escaped too.
HEARTH_EXEC=$(printf '%s' "$here/Hearth" | sed -e 's/[\\"`$]/\\\\&/g' -e 's/%/%%/g')
HEARTH_TRYEXEC=$(printf '%s' "$here/Hearth" | sed -e 's/\\/\\\\/g')
export HEARTH_EXEC HEARTH_TRYEXEC
awk '/^Exec=/ { print "Exec=\"" ENVIRON["HEARTH_EXEC"] "\""; print "TryExec=" ENVIRON["HEARTH_TRYEXEC"]; next } { print }' \
  "$here/share/applications/hearth.desktop" > "$apps/.hearth.desktop.tmp"
mv -f "$apps/.hearth.desktop.tmp" "$apps/hearth.desktop"

# Menus and icon caches notice new files by themselves on most desktops; these make it immediate.
command -v update-desktop-database >/dev/null && update-desktop-database -q "$apps" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t -f "$icons" 2>/dev/null || true
echo "Hearth is in your application menu ($apps/hearth.desktop). To take it out: $here/uninstall.sh"

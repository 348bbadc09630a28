#!/bin/sh
# Takes Hearth out of this user's application menu (what install.sh put there). Your conversations,
# settings and models stay in Hearth's data folder; the message below says where.
set -eu
data=${XDG_DATA_HOME:-$HOME/.local/share}
apps=$data/applications
icons=$data/icons/hicolor

rm -f "$apps/hearth.desktop"
if [ -d "$icons" ]; then
  find "$icons" -path '*/apps/hearth.*' -type f -exec rm -f {} +
fi
command -v update-desktop-database >/dev/null && update-desktop-database -q "$apps" 2>/dev/null || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t -f "$icons" 2>/dev/null || true
echo "Hearth is no longer in the application menu. Its data is kept in ${HEARTH_DATA_DIR:-$data/Hearth}; delete that folder to remove it too."

# Output files (issue 10, items 1 and 22): -o writes only regular files,
# writes through a symbolic link, refuses the rest before any training,
# and the umask alone decides the new file's mode.

# kind PATH: what is at PATH, as stat names it.
kind() { stat -c %F "$1" 2>/dev/null; }

mkdir -p outputs && cd outputs || return
# A corpus that does not exist: a refused -o is reported first, so a bad
# -o never waits for a training.
# A device of our own first: as root, a slant that replaced devices would
# replace /dev/null itself, so /dev/null is tried only once slant has left
# this one alone, or by a user who cannot write /dev.
devices_safe=0
[ "$(id -u)" != 0 ] && devices_safe=1
if mknod -m 666 chardev c 1 3 2>/dev/null; then
  run out-chardev 2 "$SLANT" train "$data/tiny.tsv" -o chardev \
    && has out-chardev err "chardev: not a regular file (a character device); slant writes only regular files, and leaves this one alone"
  [ "$(kind chardev)" = "character special file" ] && { ok out-chardev-still-a-device; devices_safe=1; } \
    || bad out-chardev-still-a-device "$(ls -l chardev)"
else
  skip=$((skip + 1)); echo "skip out-chardev: mknod needs root"
fi
if [ "$devices_safe" = 1 ]; then
  run out-dev-null 2 "$SLANT" train "$data/tiny.tsv" -o /dev/null && has out-dev-null err "/dev/null: not a regular file (a character device)"
  [ "$(kind /dev/null)" = "character special file" ] && ok out-dev-null-untouched || bad out-dev-null-untouched "$(ls -l /dev/null)"
else
  skip=$((skip + 1)); echo "skip out-dev-null: root, and no device of our own was left alone first"
fi
mkfifo fifo
# timeout: opening a FIFO to write would wait for a reader forever
run out-fifo 2 timeout 20 "$SLANT" train "$data/tiny.tsv" -o fifo && has out-fifo err "fifo: not a regular file (a FIFO)"
[ "$(kind fifo)" = fifo ] && ok out-fifo-still-a-fifo || bad out-fifo-still-a-fifo "$(ls -l fifo)"
run out-features-fifo 2 timeout 20 "$SLANT" features "$data/tiny.tsv" -o fifo && has out-features-fifo err "fifo: not a regular file (a FIFO)"
# the sidecar too, and then neither file is written
mkfifo side.svm.map.tsv
run out-features-map-fifo 2 timeout 20 "$SLANT" features "$data/tiny.tsv" -o side.svm \
  && has out-features-map-fifo err "side.svm.map.tsv: not a regular file (a FIFO)"
[ ! -e side.svm ] && [ "$(kind side.svm.map.tsv)" = fifo ] && ok out-features-map-fifo-nothing-written \
  || bad out-features-map-fifo-nothing-written "$(ls -l side.svm*)"
mkdir folder
run out-folder 2 "$SLANT" train nonexistent.tsv -o folder && has out-folder err "folder: not a regular file (a folder)"
[ "$(kind folder)" = directory ] && ok out-folder-still-a-folder || bad out-folder-still-a-folder
# A symbolic link is written through: its target gets the model, the link stays.
echo old > target.slant
ln -s target.slant link.slant
run out-symlink 0 "$SLANT" train "$data/tiny.tsv" -o link.slant --model nb
run out-plain 0 "$SLANT" train "$data/tiny.tsv" -o plain.slant --model nb
[ "$(kind link.slant)" = "symbolic link" ] && [ "$(readlink link.slant)" = target.slant ] \
  && ok out-symlink-stays || bad out-symlink-stays "$(ls -l)"
cmp -s target.slant plain.slant && ok out-symlink-target-written || bad out-symlink-target-written
run out-symlink-inspect 0 "$SLANT" inspect link.slant && has out-symlink-inspect out "kind: nb"
ln -s nothing.slant dangling.slant
run out-dangling 2 "$SLANT" train "$data/tiny.tsv" -o dangling.slant && has out-dangling err "dangling.slant: a symbolic link to nothing"
[ ! -e nothing.slant ] && [ "$(kind dangling.slant)" = "symbolic link" ] && ok out-dangling-untouched || bad out-dangling-untouched "$(ls -l)"
ln -s fifo fifo.slant
run out-link-to-fifo 2 timeout 20 "$SLANT" train "$data/tiny.tsv" -o fifo.slant \
  && has out-link-to-fifo err "fifo.slant: a symbolic link to $(pwd -P)/fifo, not a regular file (a FIFO)"
[ "$(kind fifo)" = fifo ] && [ "$(kind fifo.slant)" = "symbolic link" ] && ok out-link-to-fifo-untouched \
  || bad out-link-to-fifo-untouched "$(ls -l fifo fifo.slant)"
ls | grep -q '\.tmp\.' && bad out-no-temporary-files "$(ls)" || ok out-no-temporary-files
# The kernel applies the umask to the mode 0666 the file is created with.
(umask 027 && "$SLANT" train "$data/tiny.tsv" -o m027.slant --model nb >/dev/null 2>err) \
  && [ "$(stat -c %a m027.slant)" = 640 ] && ok out-umask-027 || bad out-umask-027 "$(stat -c %a m027.slant) $(cat err)"
(umask 000 && "$SLANT" train "$data/tiny.tsv" -o m000.slant --model nb >/dev/null 2>err) \
  && [ "$(stat -c %a m000.slant)" = 666 ] && ok out-umask-000 || bad out-umask-000 "$(stat -c %a m000.slant) $(cat err)"
(umask 077 && "$SLANT" train "$data/tiny.tsv" -o m000.slant --model nb >/dev/null 2>err) \
  && [ "$(stat -c %a m000.slant)" = 600 ] && ok out-umask-replaced || bad out-umask-replaced "$(stat -c %a m000.slant) $(cat err)"
(umask 027 && "$SLANT" features "$data/tiny.tsv" -o f027.svm >/dev/null 2>err) \
  && [ "$(stat -c %a f027.svm) $(stat -c %a f027.svm.map.tsv)" = "640 640" ] && ok out-umask-features \
  || bad out-umask-features "$(ls -l f027.svm*) $(cat err)"
cd ..

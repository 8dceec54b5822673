// Dropping a file onto the page: while a drag that carries files is over `target` (the page hands
// in its document), `hint` is shown; a drop hands one file to onFile — the first .safetensors one,
// else the first — and the browser does not open the file in place of the page. Drags of text or
// links are left alone. Knows nothing of models.
// The hint hides when the drag leaves (enter/leave counted, as they fire for every child
// element), on drop, and when no dragover has come for a while (a drag cancelled outside).

const STALE_MS = 1500;  // browsers send dragover every 50–350 ms while a drag is over the page

const carriesFiles = (e) => Array.from(e.dataTransfer?.types ?? []).includes('Files');

export function acceptFileDrops(target, hint, onFile) {
  let depth = 0;
  let timer = null;
  const show = (on) => {
    hint.hidden = !on;
    clearTimeout(timer);
    if (on) timer = setTimeout(() => show(false), STALE_MS);
    else depth = 0;
  };
  target.addEventListener('dragenter', (e) => {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    depth++;
    show(true);
  });
  target.addEventListener('dragover', (e) => {
    if (!carriesFiles(e)) return;
    e.preventDefault();  // allows the drop
    e.dataTransfer.dropEffect = 'copy';
    show(true);
  });
  target.addEventListener('dragleave', (e) => {
    if (!carriesFiles(e)) return;
    depth = Math.max(0, depth - 1);
    if (depth === 0) show(false);
  });
  target.addEventListener('drop', (e) => {
    const files = Array.from(e.dataTransfer?.files ?? []);
    if (files.length === 0) return;
    e.preventDefault();
    show(false);
    onFile(files.find((f) => /\.safetensors$/i.test(f.name)) ?? files[0]);
  });
}

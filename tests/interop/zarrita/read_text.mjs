// Reads text (Zarr v3 "string") arrays and their attributes with zarrita, for Forge's text interop test.
// Usage: node read_text.mjs STORE NAME[,NAME...] [ATTRS_OF[,ATTRS_OF...]]; prints
// {"NAME": {"shape": [...], "text": [...], "attrs": {...}}, "ATTRS_OF": {"attrs": {...}}} as JSON (ATTRS_OF: any array,
// only its attributes as zarrita parses them, e.g. NaN float attributes).
import * as zarr from "zarrita";
import FileSystemStore from "@zarrita/storage/fs";

const [storePath, names, attrsOf] = process.argv.slice(2);
const root = zarr.root(new FileSystemStore(storePath));
const out = {};
for (const name of names.split(",")) {
  const arr = await zarr.open.v3(root.resolve(name), { kind: "array" });
  if (arr.dtype !== "string") throw new Error(`${name}: data type ${arr.dtype}, expected string`);
  const got = await zarr.get(arr);
  const text = Array.from(got.data ?? [got]);
  for (const t of text) if (typeof t !== "string") throw new Error(`${name}: ${typeof t} element ${t}`);
  out[name] = { shape: arr.shape, text, attrs: arr.attrs };
}
for (const name of (attrsOf ?? "").split(",").filter((n) => n.length > 0)) {
  const arr = await zarr.open.v3(root.resolve(name), { kind: "array" });
  out[name] = { attrs: arr.attrs };
}
console.log(JSON.stringify(out));

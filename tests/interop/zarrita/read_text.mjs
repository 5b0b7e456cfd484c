// Reads text (Zarr v3 "string") arrays and their attributes with zarrita, for Forge's text interop test.
// Usage: node read_text.mjs STORE NAME[,NAME...]; prints {"NAME": {"shape": [...], "text": [...], "attrs": {...}}} as JSON.
import * as zarr from "zarrita";
import FileSystemStore from "@zarrita/storage/fs";

const [storePath, names] = process.argv.slice(2);
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
console.log(JSON.stringify(out));

/**
 * `cli.ts download NAME`: fetch a data set's archives, verify them and
 * unpack them to the cache (or --dir).
 * @module
 */
import type { Command } from "../command.ts";
import { ConfigError } from "../../core/errors.ts";
import { downloadDataset } from "../../datasets/download.ts";
import { checkOutputDir, writeAtomic } from "../io.ts";
import { parseFlags, textFlag, UsageError } from "../flags.ts";
import { cacheDir } from "../datasets.ts";
import { DOWNLOADABLE } from "../../datasets/catalogue.ts";

/** The `download` command. */
export const DOWNLOAD: Command = {
  name: "download",
  summary: "fetch CIFAR-10 or FashionMNIST, verify, unpack to the cache",
  help: () =>
    `Usage: deno run -A cli.ts download ${DOWNLOADABLE.join("|")} [--dir DIR] [--base-url URL]

Fetches the official archives with progress on stderr, verifies their
published MD5 checksums and unpacks them to DIR (default
$XDG_CACHE_HOME/aedyn/NAME or ~/.cache/aedyn/NAME). A checksum mismatch or a
truncated transfer writes nothing.`,
  async run(args) {
    const { flags, positionals } = parseFlags(args, {
      dir: { type: "string" },
      "base-url": { type: "string" },
      help: { type: "boolean", short: "h" },
    }, 1);
    const name = positionals[0];
    if (name === undefined) {
      throw new UsageError(`download takes a data set: ${DOWNLOADABLE.join(" or ")}`);
    }
    const dataset = DOWNLOADABLE.find((d) => d === name);
    if (dataset === undefined) {
      throw new ConfigError("data set", name, DOWNLOADABLE.join(" or "));
    }
    const dir = textFlag(flags, "dir") ?? cacheDir(dataset);
    checkOutputDir(dir, "--dir");
    const enc = new TextEncoder();
    const tty = Deno.stderr.isTerminal();
    const result = await downloadDataset(dataset, {
      ...(textFlag(flags, "base-url") ? { baseUrl: textFlag(flags, "base-url")! } : {}),
      onProgress: (p) => {
        const pct = p.total ? ` ${(100 * p.loaded / p.total).toFixed(0)}%` : "";
        const line = `${p.file}: ${(p.loaded / 1048576).toFixed(1)} MiB${pct}`;
        if (tty) Deno.stderr.writeSync(enc.encode(`\r${line}   `));
      },
      writeFile: async (file, bytes) => {
        const path = `${dir}/${file}`;
        await Deno.mkdir(path.replace(/\/[^/]*$/, ""), { recursive: true });
        await writeAtomic(path, bytes);
      },
    });
    if (tty) Deno.stderr.writeSync(enc.encode("\r\x1b[K"));
    for (const f of result.downloaded) {
      console.error(`verified ${f.name}: ${f.bytes} bytes, md5 ${f.md5}`);
    }
    console.log(result.written.map((w) => `${dir}/${w.name}`).join("\n"));
    return 0;
  },
};

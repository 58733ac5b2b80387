import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import {
  checkExecutedNotebook,
  INSTALL_HINT,
  REPO_ROOT,
  summarizeNbconvertError,
} from "../../tasks/notebooks.ts";

const code = (source: string | string[], outputs: unknown[] = []) => ({
  cell_type: "code",
  source,
  outputs,
});

Deno.test("checkExecutedNotebook accepts a clean executed notebook", () => {
  const nb = {
    cells: [
      { cell_type: "markdown", source: "# hi" },
      code("const x = 1;"),
      code("await display(t);", [{ output_type: "display_data", data: {} }]),
    ],
  };
  assert.deepEqual(checkExecutedNotebook(nb), []);
});

Deno.test("checkExecutedNotebook reports error outputs and silent display cells by cell", () => {
  const nb = {
    cells: [
      { cell_type: "markdown", source: ["# title"] },
      code("throw new Error('x')", [{ output_type: "error", ename: "Error", evalue: "x" }]),
      code(["await display(\n", "  t);"]),
      code("// await display(t);\nconst y = 2;"),
    ],
  };
  assert.deepEqual(checkExecutedNotebook(nb), [
    { cell: 2, message: "error output: Error: x" },
    { cell: 3, message: "calls display(...) but produced no output" },
  ]);
  assert.deepEqual(checkExecutedNotebook({}), [{
    cell: 0,
    message: "not a notebook: no cells array",
  }]);
});

Deno.test("summarizeNbconvertError keeps the failing cell and the kernel's error", () => {
  const stderr = [
    "[NbConvertApp] Converting notebook x.ipynb to notebook",
    "Traceback (most recent call last):",
    '  File "/usr/bin/jupyter-nbconvert", line 33, in <module>',
    "nbclient.exceptions.CellExecutionError: An error occurred while executing the following cell:",
    "------------------",
    'throw new RangeError("boom");',
    "------------------",
    "",
    "RangeError: boom",
    "    at <anonymous>:1:7",
    "",
  ].join("\n");
  assert.equal(
    summarizeNbconvertError(stderr),
    'in cell:\nthrow new RangeError("boom");\nRangeError: boom\n    at <anonymous>:1:7',
  );
  assert.equal(summarizeNbconvertError("a\n\nb\n"), "a\nb");
});

Deno.test("the kernelspec in the repository runs deno jupyter with NO_COLOR", () => {
  const spec = JSON.parse(
    Deno.readTextFileSync(join(REPO_ROOT, "notebooks/kernels/cryptolab-deno/kernel.json")),
  );
  assert.deepEqual(spec, {
    argv: ["deno", "jupyter", "--kernel", "--conn", "{connection_file}"],
    display_name: "cryptolab (Deno)",
    language: "typescript",
    env: { NO_COLOR: "1" },
  });
});

Deno.test("notebooks are stored without outputs", () => {
  const dir = join(REPO_ROOT, "notebooks");
  const names = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".ipynb"));
  assert.ok(names.length >= 1, "no notebooks found");
  for (const name of names) {
    const nb = JSON.parse(Deno.readTextFileSync(join(dir, name)));
    assert.equal(nb.metadata.kernelspec.name, "cryptolab-deno", name);
    for (const c of nb.cells) {
      if (c.cell_type !== "code") continue;
      assert.deepEqual(c.outputs, [], `${name}: a cell has stored outputs`);
      assert.equal(c.execution_count, null, `${name}: a cell has an execution count`);
      assert.ok(!/import\.meta/.test([c.source].flat().join("")), `${name}: import.meta in a cell`);
    }
  }
});

// The task puts deno's own folder first on PATH; if jupyter sits there too, it cannot be hidden.
const jupyterBesideDeno = [...Deno.readDirSync(dirname(Deno.execPath()))]
  .some((e) => e.name === "jupyter");
if (jupyterBesideDeno) console.log("skipping the missing-jupyter test: jupyter is beside deno");

Deno.test({
  name: "without jupyter on PATH the task explains how to install it and exits 2",
  ignore: jupyterBesideDeno,
  fn: async () => {
    const empty = await Deno.makeTempDir({ prefix: "cryptolab-nopath-" });
    try {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", join(REPO_ROOT, "tasks/notebooks.ts")],
        env: { PATH: empty, NO_COLOR: "1", HOME: Deno.env.get("HOME") ?? empty },
        clearEnv: true,
        cwd: REPO_ROOT,
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 2, stderr);
      assert.equal(stderr.trim(), INSTALL_HINT);
      assert.match(
        stderr,
        /apt-get install -y jupyter-nbconvert python3-nbclient python3-ipykernel/,
      );
    } finally {
      await Deno.remove(empty, { recursive: true });
    }
  },
});

Deno.test("an unknown flag is a usage error naming it", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(REPO_ROOT, "tasks/notebooks.ts"), "--bogus"],
    cwd: REPO_ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 2);
  assert.match(new TextDecoder().decode(out.stderr), /--bogus/);
});

Deno.test("every notebook's code cells type-check against lib/ (deno check does not read notebooks)", async () => {
  const dir = join(REPO_ROOT, "notebooks");
  const names = [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".ipynb"));
  // cells share one top-level scope in the kernel, so their concatenation is one module; it is
  // written next to the executed copies (git-ignored) so the root import map applies
  const outDir = join(dir, ".executed");
  await Deno.mkdir(outDir, { recursive: true });
  for (const name of names) {
    const nb = JSON.parse(Deno.readTextFileSync(join(dir, name)));
    const src = nb.cells
      .filter((c: { cell_type: string }) => c.cell_type === "code")
      .map((c: { source: string | string[] }, i: number) =>
        `// cell ${i + 1}\n${[c.source].flat().join("")}\n`
      )
      .join("") + "export {};\n";
    const file = join(outDir, `${name}.check.ts`);
    await Deno.writeTextFile(file, src);
    try {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["check", file],
        cwd: REPO_ROOT,
        env: { NO_COLOR: "1" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.ok(out.success, `${name}:\n${new TextDecoder().decode(out.stderr)}`);
    } finally {
      await Deno.remove(file);
    }
  }
});

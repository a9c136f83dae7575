"use strict";
/**
 * Where Pulumi's provider host finds the providers: every resource's `__provider` stub requires
 * this file (by its path relative to the host's working directory) and asks it for a provider by
 * name (see provider-stub.ts). Plain CommonJS, because the host has no TypeScript loader: this
 * file installs one that uses the project's own `typescript` (the program's compiler), then loads
 * provider-registry.ts, which loads each provider's module on demand.
 *
 * Part of the state format: this file's path, the stub protocols in PROTOCOLS and the provider
 * names. Every state ever written holds them, and Read and Delete run whatever stub a resource's
 * outputs carry, so none of them may change silently.
 */
const fs = require("node:fs");
const path = require("node:path");

/** Stub protocols this checkout can serve. */
const PROTOCOLS = [1];
const STUB = /^loaded-provider@(\d+) (\S+)$/;
/** Bumped whenever the transpiled output of the same source would differ. */
const CACHE_FORMAT = 1;

const adapters = new Map();
let typeScriptReady = false;

exports.PROTOCOLS = PROTOCOLS;

/** How many .ts files this process took from the cache and how many it compiled (diagnostics). */
exports.transpiled = { fromCache: 0, compiled: 0 };

/** The provider a stub names (`loaded-provider@<protocol> <name>`), one per name and process. */
exports.provider = function provider(spec) {
  const match = STUB.exec(String(spec));
  if (match === null)
    throw new Error(`provider-loader: not a provider stub: ${JSON.stringify(spec)}`);
  const protocol = Number(match[1]);
  const name = match[2];
  if (!PROTOCOLS.includes(protocol)) {
    throw new Error(
      `provider-loader: the state names provider ${name} with stub protocol ${protocol}, which ` +
        `this checkout does not know (it knows ${PROTOCOLS.join(", ")}): the state was written ` +
        `by a newer version of this project; run pulumi from that version`,
    );
  }
  let adapter = adapters.get(name);
  if (adapter === undefined) {
    useTypeScript();
    // The loader's path as the program writes it into stubs: relative to the shared cwd.
    const entry = path.relative(process.cwd(), __filename).split(path.sep).join("/");
    adapter = require("./provider-registry").providerFor(name, entry);
    adapters.set(name, adapter);
  }
  return adapter;
};

/**
 * Makes `.ts` files loadable: a transpile-only hook with the project's `typescript` and its
 * tsconfig's options (module CommonJS), unless a hook is installed already (ts-node under tests).
 * Output is cached under node_modules/.cache, keyed by the file's text, the tsconfig's text and
 * the compiler's version, so a host whose files are all cached compiles nothing.
 */
function useTypeScript() {
  if (typeScriptReady) return;
  typeScriptReady = true;
  if (require.extensions[".ts"] !== undefined) {
    debug("using the .ts hook already installed");
    return;
  }
  // Node 22.1+: V8's code cache for what loads next (typescript.js is large).
  require("node:module").enableCompileCache?.();
  const crypto = require("node:crypto");
  const configFile = projectConfigFile();
  const projectDir = path.dirname(configFile);
  const configText = fs.existsSync(configFile) ? fs.readFileSync(configFile, "utf8") : "";
  const compilerPackage = findTypeScript(projectDir);
  const cacheDir = path.join(projectDir, "node_modules", ".cache", "openclaw-fly-providers");
  const outputs = new Map();
  let compiler; // { ts, compilerOptions }, made on the first cache miss
  installSourceMaps(outputs, projectDir);
  require.extensions[".ts"] = function loadTypeScript(module, filename) {
    const source = fs.readFileSync(filename, "utf8");
    const key = crypto
      .createHash("sha256")
      .update(`${CACHE_FORMAT}\0${compilerPackage.version}\0${configText}\0${filename}\0${source}`)
      .digest("hex");
    const cached = path.join(cacheDir, `${key}.js`);
    let output;
    try {
      output = fs.readFileSync(cached, "utf8");
      exports.transpiled.fromCache += 1;
    } catch {
      exports.transpiled.compiled += 1;
      compiler ??= makeCompiler(compilerPackage, configFile);
      const { ts, compilerOptions } = compiler;
      output = ts.transpileModule(source, { fileName: filename, compilerOptions }).outputText;
      writeCache(cacheDir, cached, output);
    }
    outputs.set(filename, output);
    module._compile(output, filename);
  };
  debug(`installed a .ts hook: typescript ${compilerPackage.version} (${compilerPackage.from})`);
}

/**
 * The project's tsconfig: PULUMI_RUNTIME_TSCONFIG when Pulumi.yaml names one (relative to the
 * working directory, as for the program), else the nearest tsconfig.json above this file.
 */
function projectConfigFile() {
  const named = process.env.PULUMI_RUNTIME_TSCONFIG;
  if (named) return path.resolve(named);
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "tsconfig.json");
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return path.join(__dirname, "tsconfig.json");
  }
}

/**
 * The project's typescript, without loading it; else the one vendored in @pulumi/pulumi, which
 * the program falls back to as well. typescript 7 (the native compiler) has no JavaScript API.
 */
function findTypeScript(projectDir) {
  const paths = [projectDir, __dirname];
  try {
    const manifest = require.resolve("typescript/package.json", { paths });
    const { version } = JSON.parse(fs.readFileSync(manifest, "utf8"));
    if (Number(version.split(".")[0]) < 7) {
      return { version, from: require.resolve("typescript", { paths }) };
    }
  } catch {
    // Not installed: the vendored one below.
  }
  const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths }));
  return {
    version: "3.8.3",
    from: path.join(pulumiDir, "vendor", "typescript@3.8.3", "typescript.js"),
  };
}

function makeCompiler(compilerPackage, configFile) {
  const ts = require(compilerPackage.from);
  const compilerOptions = {
    ...projectCompilerOptions(ts, configFile),
    module: ts.ModuleKind.CommonJS,
    inlineSourceMap: true,
    inlineSources: true,
    sourceMap: false,
    declaration: false,
    noEmit: false,
  };
  return { ts, compilerOptions };
}

/** The tsconfig's compilerOptions; its file list is not wanted, so no directory is read. */
function projectCompilerOptions(ts, file) {
  if (!fs.existsSync(file)) return { target: ts.ScriptTarget.ES2020, esModuleInterop: true };
  const { config } = ts.readConfigFile(file, ts.sys.readFile);
  const host = { ...ts.sys, readDirectory: () => [] };
  return ts.parseJsonConfigFileContent(config || {}, host, path.dirname(file)).options;
}

function writeCache(dir, file, text) {
  try {
    fs.mkdirSync(dir, { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, text);
    fs.renameSync(temporary, file);
  } catch {
    // A read-only checkout: no cache, the same output.
  }
}

/** Stack traces in the .ts files' lines (the host has loaded source-map-support already). */
function installSourceMaps(outputs, projectDir) {
  try {
    const paths = [projectDir, __dirname];
    const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths }));
    const support = require(require.resolve("source-map-support", { paths: [pulumiDir] }));
    support.install({ retrieveFile: (file) => outputs.get(file) ?? null, environment: "node" });
  } catch {
    // Traces then point at transpiled lines: worse, not wrong.
  }
}

function debug(message) {
  if (process.env.OPENCLAW_FLY_LOADER_DEBUG === "1")
    process.stderr.write(`provider-loader: ${message}\n`);
}

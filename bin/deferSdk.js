// The Pulumi SDK's index loads, when it starts, the modules behind one feature the CLI never uses:
// serializing a JavaScript function into provider code. `runtime/closure/parseFunction` loads the
// TypeScript compiler to parse functions, and `runtime/closure/codePaths` loads npm's Arborist (and,
// through it, pacote, sigstore, tar and about 450 other modules) to find the packages a function
// needs. Together that is about a third of what a plan loads, and 0.2–0.3 s of CPU in every plan,
// recorder and access diff. The CLI's dynamic providers are packaged text (components/delivery/
// packaged.ts), so the serializer never runs in its processes.
//
// So the CLI's processes (bin/register.js requires this) give those two SDK modules a stand-in that
// loads the real module on first use: anything that does call them gets the real module, and only
// pays for it then. `pulumi up` runs the program under the SDK's own loader, without this file.
// test/bin/deferSdk.spec.ts checks that a plain program loads both, that the CLI's processes load
// neither, and that a function still serializes through the stand-ins.
const Module = require("module");
const path = require("path");

/**
 * Puts a stand-in for `file` in Node's module cache. Anything done with it (reading, listing, testing
 * or writing a property, its prototype) loads the real module and acts on it, except reading a name in
 * `calledLater`: those the SDK reads when it starts, only to call later, so they answer a function that
 * loads the real module when called.
 */
function defer(file, calledLater = []) {
  if (require.cache[file]) return;
  let real;
  const load = () => {
    if (!real) {
      delete require.cache[file];
      real = require(file);
      require.cache[file] = stub;
    }
    return real;
  };
  const later = new Map(calledLater.map((name) => [name, (...args) => load()[name](...args)]));
  const stub = new Module(file);
  stub.filename = file;
  stub.loaded = true;
  // The target stays an empty object; each trap answers from the real module. A property is reported
  // configurable, as a proxy must for one its target does not have.
  stub.exports = new Proxy(
    {},
    {
      get: (_, key) => (!real && later.has(key) ? later.get(key) : load()[key]),
      has: (_, key) => key in load(),
      ownKeys: () => Reflect.ownKeys(load()),
      getOwnPropertyDescriptor: (_, key) => {
        const d = Reflect.getOwnPropertyDescriptor(load(), key);
        return d && { ...d, configurable: true };
      },
      getPrototypeOf: () => Reflect.getPrototypeOf(load()),
      set: (_, key, value) => Reflect.set(load(), key, value),
      defineProperty: (_, key, descriptor) => Reflect.defineProperty(load(), key, descriptor),
      deleteProperty: (_, key) => Reflect.deleteProperty(load(), key),
    },
  );
  require.cache[file] = stub;
}

/** The installed SDK's folder, or undefined when it is not installed (bin/install.js says so). */
function sdkDir() {
  try {
    return path.dirname(
      require.resolve("@pulumi/pulumi", { paths: [path.resolve(__dirname, "..")] }),
    );
  } catch {
    return undefined;
  }
}

const dir = sdkDir();
if (dir) {
  defer(path.join(dir, "typescript-shim.js"));
  defer(path.join(dir, "runtime", "closure", "codePaths.js"), ["computeCodePaths"]);
}

module.exports = { defer };

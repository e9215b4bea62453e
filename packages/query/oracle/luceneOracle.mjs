// @ts-check
/**
 * Builds and runs the Lucene oracle (LuceneOracle.java and friends in this folder) against
 * Debian's liblucene8-java. Used by `src/oracle.test.ts` and by `generateTokenizerTables.mjs`.
 * The classes are compiled once into a temp directory keyed by a hash of the sources and jars.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import process from 'node:process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ORACLE_DIR = dirname(fileURLToPath(import.meta.url));
const JAR_DIR = '/usr/share/java';
/** The jars the oracle needs, by artifact name (Debian installs them as `<name>-<version>.jar`). */
const ARTIFACTS = ['lucene-core', 'lucene-queryparser', 'lucene-analyzers-common'];
const INSTALL_HINT =
  'the Lucene oracle needs Java and Lucene 8: run `apt-get install -y liblucene8-java openjdk-17-jdk-headless`';

/** @returns {string} the class path of the Lucene 8 jars; throws with the install command if absent. */
export function luceneClassPath() {
  const files = existsSync(JAR_DIR) ? readdirSync(JAR_DIR) : [];
  const jars = ARTIFACTS.map((artifact) => {
    const jar = files.find((file) => new RegExp(`^${artifact}-8[.\\d]*\\.jar$`).test(file));
    if (jar === undefined)
      throw new Error(`${artifact}-8.*.jar not found in ${JAR_DIR}: ${INSTALL_HINT}`);
    return join(JAR_DIR, jar);
  });
  return jars.join(':');
}

/** @param {string} tool */
function requireTool(tool) {
  const probe = spawnSync(tool, ['-version'], { encoding: 'utf8' });
  if (probe.error !== undefined || probe.status !== 0)
    throw new Error(`\`${tool}\` not found: ${INSTALL_HINT}`);
}

/** @returns {string} the class path (jars + compiled oracle), compiling the oracle if needed. */
export function buildLuceneOracle() {
  const jars = luceneClassPath();
  requireTool('java');
  const sources = readdirSync(ORACLE_DIR)
    .filter((file) => file.endsWith('.java'))
    .sort()
    .map((file) => join(ORACLE_DIR, file));
  const hash = createHash('sha256').update(jars);
  for (const source of sources) hash.update(readFileSync(source));
  const outDir = join(tmpdir(), `alertkit-lucene-oracle-${hash.digest('hex').slice(0, 16)}`);
  if (!existsSync(join(outDir, 'LuceneOracle.class'))) {
    requireTool('javac');
    const staging = `${outDir}.${process.pid}`;
    mkdirSync(staging, { recursive: true });
    const javac = spawnSync('javac', ['-nowarn', '-cp', jars, '-d', staging, ...sources], {
      encoding: 'utf8',
    });
    if (javac.status !== 0) throw new Error(`javac failed for the Lucene oracle:\n${javac.stderr}`);
    // Rename into place so a concurrent run never sees a half-written directory.
    spawnSync('mv', ['-T', staging, outDir]);
  }
  return `${jars}:${outDir}`;
}

/**
 * Sends one request to the oracle (one JVM) and returns its answer.
 * @param {unknown} request see LuceneOracle.java for the shape
 * @returns {unknown}
 */
export function runLuceneOracle(request) {
  const classPath = buildLuceneOracle();
  const run = spawnSync(
    'java',
    ['-Xss8m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-cp', classPath, 'LuceneOracle'],
    {
      input: JSON.stringify(request),
      encoding: 'utf8',
      maxBuffer: 512 * 1024 * 1024,
    },
  );
  if (run.status !== 0)
    throw new Error(`the Lucene oracle failed (exit ${String(run.status)}):\n${run.stderr}`);
  return JSON.parse(run.stdout);
}

// Builds the API reference (build/docs/api) from the TSDoc of the three public entry points and fails on
// any TypeDoc warning (broken {@link}s and relative links, public types that are referenced but not
// exported) and on any public name without documentation.
//
// "Public name" means what an author reads in the reference: exported declarations and the members of
// exported classes, interfaces, type aliases and enums. The nested properties of an exported constant's
// type (the syscall event table, the shapes of zod schemas) are data, not names to document one by one.
import { Application, ReflectionKind } from 'typedoc';

const DOCUMENTED_KINDS =
  ReflectionKind.Class |
  ReflectionKind.Interface |
  ReflectionKind.TypeAlias |
  ReflectionKind.Function |
  ReflectionKind.Variable |
  ReflectionKind.Enum |
  ReflectionKind.EnumMember |
  ReflectionKind.Property |
  ReflectionKind.Method |
  ReflectionKind.Accessor;

/** Whether a reflection lies inside a parameter, a type parameter or the type of an exported constant. */
function insideDataOrParameter(reflection) {
  for (let r = reflection.parent; r; r = r.parent) {
    if (r.kindOf(ReflectionKind.Parameter | ReflectionKind.TypeParameter | ReflectionKind.Variable))
      return true;
  }
  return false;
}

function hasDocumentation(reflection) {
  if (reflection.hasComment()) return true;
  const signatures = reflection.getNonIndexSignatures?.() ?? [];
  const accessors = [reflection.getSignature, reflection.setSignature].filter(Boolean);
  // Every overload and accessor speaks for itself.
  const parts = [...signatures, ...accessors];
  return parts.length > 0 && parts.every((s) => s.hasComment());
}

/** Public names of this package without documentation, as "name (kind) in file". */
function undocumentedNames(project) {
  const missing = [];
  for (const reflection of project.getReflectionsByKind(DOCUMENTED_KINDS)) {
    if (insideDataOrParameter(reflection)) continue;
    const symbol = project.getSymbolIdFromReflection(reflection);
    // Members TypeDoc makes up (a mixin's `prototype`) and members inherited from other packages.
    if (!symbol || symbol.packageName !== project.packageName || symbol.packagePath === '') continue;
    if (reflection.flags.isInherited) continue;
    if (!hasDocumentation(reflection)) {
      missing.push(
        `${reflection.getFriendlyFullName()} (${ReflectionKind[reflection.kind]}) in ${symbol.packagePath}`,
      );
    }
  }
  return missing;
}

const app = await Application.bootstrapWithPlugins();
const project = await app.convert();
if (!project) process.exit(1);
app.validate(project);
const missing = undocumentedNames(project);
for (const name of missing) app.logger.error(`${name} has no documentation`);
if (!app.logger.hasErrors() && !app.logger.hasWarnings()) {
  await app.generateDocs(project, app.options.getValue('out'));
}
if (app.logger.hasErrors() || app.logger.hasWarnings()) {
  console.error(
    `the API reference has problems: fix the ${missing.length > 0 ? 'documentation' : 'warnings'} above`,
  );
  process.exit(1);
}

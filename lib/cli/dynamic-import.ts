import ts from 'typescript';

/**
 * Whether a bundle calls `import()`: the dynamic imports its bundler left in place (of a computed
 * specifier, or of a module kept outside the bundle). Read from the syntax tree, so a method or property
 * named `import` (`tables.import(...)`) is not one.
 */
export function hasDynamicImport(source: string): boolean {
  if (!/\bimport\s*\(/.test(source)) return false;
  const file = ts.createSourceFile('bundle.js', source, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const visit = (node: ts.Node): boolean =>
    (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) ||
    (ts.forEachChild(node, visit) ?? false);
  return visit(file);
}

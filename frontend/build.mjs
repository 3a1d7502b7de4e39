// Builds frontend/dist: CSS from Sass (GOV.UK Frontend + ours), scripts and assets.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(root, "frontend", "dist");
const govuk = join(root, "node_modules", "govuk-frontend", "dist", "govuk");

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, "carebook"), { recursive: true });

for (const name of ["main", "print"]) {
  const result = sass.compile(join(root, "frontend", "scss", `${name}.scss`), {
    loadPaths: [join(root, "node_modules")],
    style: "compressed",
    quietDeps: true,
    silenceDeprecations: ["import"],
  });
  writeFileSync(join(dist, "carebook", `${name}.css`), result.css);
}

cpSync(join(govuk, "govuk-frontend.min.js"), join(dist, "carebook", "govuk-frontend.min.js"));
cpSync(join(root, "frontend", "js", "main.mjs"), join(dist, "carebook", "main.mjs"));
cpSync(join(root, "frontend", "favicon.svg"), join(dist, "carebook", "favicon.svg"));
cpSync(join(govuk, "assets"), join(dist, "govuk", "assets"), { recursive: true });
console.log("Built frontend/dist");

// What the pages know of the method (field limits, perspective levels, board kinds,
// what is written at each step), sent by the server as JSON (mag/domain/commands.py
// browser_table): no script holds its own copy.

const table = JSON.parse(document.getElementById("mag-method").textContent);

export const LIMITS = table.limits;
export const LEVELS = table.levels;
export const BOARD_KINDS = table.board_kinds;
// Step kind → the kind of contribution written there (none: nothing is written).
export const CONTRIBUTION_KINDS = table.contribution_kinds;
// What the narrator alone writes (their stakes, their reaction).
export const NARRATOR_KINDS = new Set(table.narrator_kinds);
// Kinds of step brought by a module, whose screens static/js/kinds.js loads.
export const KIND_MODULES = table.kind_modules;
// Kind → the address of its screens, static/js/kinds/<kind>.js under its hashed name.
export const KIND_SCRIPTS = table.kind_scripts;

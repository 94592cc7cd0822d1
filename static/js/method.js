// What the pages know of the method (field limits, perspective levels, board kinds),
// sent by the server as JSON (mag/domain/commands.py browser_table): no script holds
// its own copy.

const table = JSON.parse(document.getElementById("mag-method").textContent);

export const LIMITS = table.limits;
export const LEVELS = table.levels;
export const BOARD_KINDS = table.board_kinds;

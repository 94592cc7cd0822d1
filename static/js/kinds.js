// Kinds of step brought by a module of mag/domain/steps: each one's screens are
// static/js/kinds/<kind>.js, loaded as the page starts from the address the method
// table gives (its hashed name, as every static file: mag/web/assets.py).
// Such a file exports any of: `reducers`, its events' folds into
// `state.kind_state[kind]` (added to store.js); `participantScreen(ctx)` and
// `consolePanel(ctx, step)`, made like the built-in ones of static/js/participant/
// and static/js/console/, building their own elements. Each page that connects
// imports this module; connection.js must not, since a kind's file may import it
// and the wait for the files would then wait for itself.

import { KIND_MODULES, KIND_SCRIPTS } from "./method.js";
import { addReducers } from "./store.js";

export const KINDS = Object.fromEntries(
  await Promise.all(KIND_MODULES.map(async (kind) => [kind, await import(KIND_SCRIPTS[kind])])),
);

for (const module of Object.values(KINDS)) if (module.reducers) addReducers(module.reducers);

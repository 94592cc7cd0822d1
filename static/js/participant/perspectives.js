// The practical perspectives, at each of the method's levels (method.js):
// supporting others' or withdrawing one's support, and proposing one's own.

import { $, h, replaceKeepingFocus, show } from "../dom.js";
import { t, tn } from "../i18n.js";
import { excerpt } from "../common.js";
import { LEVELS } from "../method.js";
import { contributionsHere } from "../store.js";
import { busy, contributionForm, contributionItem, ownActions } from "./ui.js";

export function perspectivesScreen(ctx) {
  const form = contributionForm(ctx, "#perspective-form");

  function perspectiveItem(state, c, me) {
    const supported = c.supporters.includes(me);
    const text = excerpt(c.body, 40);
    const toggle = h(
      "button",
      {
        type: "button",
        class: supported ? "" : "secondary",
        "data-focus-key": `support:${c.contribution_id}`,
        "aria-label": t(supported ? "unsupport_named" : "support_named", { text }),
        onclick: (e) => busy(e.currentTarget, () => ctx.run(supported ? "unsupport_perspective" : "support_perspective", { contribution_id: c.contribution_id })),
      },
      t(supported ? "unsupport" : "support"),
    );
    return contributionItem(state, c, {
      cls: supported ? "p-supported" : "",
      extra: h("p", { class: "p-supporters", text: tn("supporters", c.supporters.length) }),
      actions: [toggle, ...ownActions(state, c, form)],
    });
  }

  return {
    section: $("#perspectives"),
    render(state, step, { me, contributes }) {
      const all = contributionsHere(state, "perspective");
      replaceKeepingFocus(
        $("#perspective-levels"),
        LEVELS.map((level) => {
          const items = all.filter((c) => c.level === level);
          return h(
            "section",
            { class: "p-level", "aria-labelledby": `level-${level}` },
            h("h4", { id: `level-${level}`, text: t(`level_${level}`) }),
            items.length
              ? h("ul", { class: "cards" }, items.map((c) => perspectiveItem(state, c, me)))
              : h("p", { class: "meta", text: t("no_perspective") }),
          );
        }),
      );
      show(form.form, contributes);
      show($("#perspective-form-heading"), contributes);
    },
    leave() {
      if (form.editing) form.reset();
    },
  };
}

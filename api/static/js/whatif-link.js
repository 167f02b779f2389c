/* The sponsor page's "What if…?" link: hands the form's request (and the skill names as shown) to
   the what-if page in this tab's sessionStorage, then follows the link. */
"use strict";
document.getElementById("whatif-go").addEventListener("click", () => {
  const skills = TGSponsor.filledRows().map((r) => r.querySelector(".req-skill").value.trim());
  sessionStorage.setItem("teamgraph.whatif", JSON.stringify({ request: TGSponsor.readForm(), skills }));
});

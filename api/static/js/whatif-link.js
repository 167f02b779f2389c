/* The sponsor page's "What if…?" links: hand the form's request (and the skill names as shown) and
   the portfolio being built (HR) to the what-if page in this tab's sessionStorage, then follow the
   link. The portfolio box's link opens the what-if page on the portfolio, the form's on the request. */
"use strict";
(() => {
  const hand = (use) => {
    const skills = TGSponsor.filledRows().map((r) => r.querySelector(".req-skill").value.trim());
    sessionStorage.setItem("teamgraph.whatif", JSON.stringify({ request: TGSponsor.readForm(), skills,
      portfolio: TGSponsor.portfolio(), use }));
  };
  document.getElementById("whatif-go").addEventListener("click", () => hand("request"));
  const forPortfolio = document.getElementById("whatif-portfolio-go");
  if (forPortfolio) forPortfolio.addEventListener("click", () => hand("portfolio"));
})();

import { useState } from "preact/hooks";
import { session, type Role } from "../session";
import { t } from "../i18n";
import { ErrorNote } from "./ErrorNote";
import { usesIssuer } from "../config";
import { startSignIn } from "../pkce";

type Tokens = Record<Role, { token: string; name: string }>;

/** Under `make dev`: the demo shop's parties, whose tokens the dev server mints. */
export function SignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const [error, setError] = useState<unknown>(null);
  const signIn = async (role: Role) => {
    try {
      const answer = await fetch("/dev/console-tokens");
      if (!answer.ok) throw new Error(`the dev server's sign-in answered ${answer.status}`);
      const tokens = (await answer.json()) as Tokens;
      session.signIn({ role, token: tokens[role].token, name: tokens[role].name });
      location.hash = { buyer: "/cart", seller: "/orders?tab=wait_send", admin: "/" }[role];
      onSignedIn();
    } catch (failure) {
      setError(failure);
    }
  };
  if (usesIssuer()) {
    return (
      <section aria-labelledby="sign-in">
        <h2 id="sign-in">{t("signIn")}</h2>
        <button type="button" onClick={() => startSignIn().catch(setError)}>{t("signIn")}</button>
        <ErrorNote error={error} />
      </section>
    );
  }
  return (
    <section aria-labelledby="sign-in">
      <h2 id="sign-in">{t("signIn")}</h2>
      <p>{t("signInAs")}</p>
      <button type="button" onClick={() => signIn("seller")}>{t("seller")}</button>{" "}
      <button type="button" onClick={() => signIn("buyer")}>{t("buyer")}</button>{" "}
      <button type="button" onClick={() => signIn("admin")}>{t("admin")}</button>
      <ErrorNote error={error} />
    </section>
  );
}

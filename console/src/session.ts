// Who is signed in (a token the dev server minted, or the deployed issuer's), and the language.
export type Role = "seller" | "buyer" | "admin";
export type Session = { role: Role; token: string; name: string };

const KEY = "order-console-session";

export const session = {
  value: JSON.parse(sessionStorage.getItem(KEY) ?? "null") as Session | null,
  lang: (localStorage.getItem("order-console-lang") ?? "en") as "en" | "zh",
  signIn(next: Session) {
    this.value = next;
    sessionStorage.setItem(KEY, JSON.stringify(next));
  },
  signOut() {
    this.value = null;
    sessionStorage.removeItem(KEY);
  },
  setLang(lang: "en" | "zh") {
    this.lang = lang;
    localStorage.setItem("order-console-lang", lang);
  },
};

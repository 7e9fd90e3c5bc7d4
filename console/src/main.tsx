import { render } from "preact";
import "./style.css";
import { useEffect, useState } from "preact/hooks";
import { session } from "./session";
import { loadConfig, usesIssuer } from "./config";
import { finishSignIn } from "./pkce";
import { t } from "./i18n";
import { SignIn } from "./pages/SignIn";
import { SellerOrders } from "./pages/SellerOrders";
import { SellerOrder } from "./pages/SellerOrder";
import { SellerSkus } from "./pages/SellerSkus";
import { BuyerCart } from "./pages/BuyerCart";
import { BuyerOrder } from "./pages/BuyerOrder";
import { BuyerOrders } from "./pages/BuyerOrders";
import { Admin } from "./pages/Admin";
import { SellerShop } from "./pages/SellerShop";
import { SellerWebhooks } from "./pages/SellerWebhooks";

/** The page the hash names: `#/orders?tab=wait_send`, `#/orders/<order_no>`. */
function useRoute(): string {
  const [route, setRoute] = useState(location.hash.slice(1) || "/");
  useEffect(() => {
    const changed = () => setRoute(location.hash.slice(1) || "/");
    addEventListener("hashchange", changed);
    return () => removeEventListener("hashchange", changed);
  }, []);
  return route;
}

function App() {
  const route = useRoute();
  const [, redraw] = useState(0);
  const current = session.value;
  const toggleLang = () => {
    session.setLang(session.lang === "zh" ? "en" : "zh");
    document.documentElement.lang = session.lang === "zh" ? "zh-CN" : "en";
    redraw((n) => n + 1);
  };
  let page;
  if (!current) page = <SignIn onSignedIn={() => redraw((n) => n + 1)} />;
  else if (current.role === "admin") page = <Admin />;
  else if (current.role === "buyer") {
    if (route.startsWith("/orders/")) page = <BuyerOrder orderNo={decodeURIComponent(route.slice(8))} />;
    else if (route.startsWith("/orders")) page = <BuyerOrders />;
    else page = <BuyerCart />;
  } else if (route.startsWith("/shop")) page = <SellerShop />;
  else if (route.startsWith("/webhooks")) page = <SellerWebhooks />;
  else if (route.startsWith("/skus")) page = <SellerSkus skuId={decodeURIComponent(route.slice(6))} />;
  else if (route.startsWith("/orders/")) page = <SellerOrder orderNo={decodeURIComponent(route.slice(8))} />;
  else page = <SellerOrders tab={new URLSearchParams(route.split("?")[1] ?? "").get("tab") ?? "wait_send"} />;
  const sections =
    current?.role === "buyer"
      ? [["#/cart", t("cart")], ["#/orders", t("myOrders")]]
      : current?.role === "admin"
        ? [["#/", t("members")]]
        : [["#/orders?tab=wait_send", t("orders")], ["#/skus", t("skus")], ["#/shop", t("shop")], ["#/webhooks", t("webhooks")]];
  return (
    <>
      <header>
        <h1>{t("title")}</h1>
        {current && (
          <nav aria-label="sections">
            {sections.map(([href, label]) => <a href={href}>{label}</a>)}
          </nav>
        )}
        <nav aria-label="account">
          <button type="button" lang={session.lang === "zh" ? "en" : "zh-CN"} onClick={toggleLang}>{t("language")}</button>
          {current && (
            <button type="button" onClick={() => { session.signOut(); location.hash = "/"; redraw((n) => n + 1); }}>
              {t("signOut")} ({current.name})
            </button>
          )}
        </nav>
      </header>
      <main>{page}</main>
    </>
  );
}

document.documentElement.lang = session.lang === "zh" ? "zh-CN" : "en";
const root = document.getElementById("app")!;
loadConfig()
  .then(() => (usesIssuer() ? finishSignIn() : false))
  .then((signedIn) => {
    if (signedIn && !location.hash) location.hash = session.value?.role === "buyer" ? "/cart" : "/orders?tab=wait_send";
    render(<App />, root);
  })
  .catch((failure) => {
    render(<p role="alert" class="error">{String(failure)}</p>, root);
  });

// The console's words in English and Chinese (the API answers both; its messages come as they are).
import { session } from "./session";

const words = {
  title: ["Order service console", "订单服务控制台"],
  signIn: ["Sign in", "登录"],
  signOut: ["Sign out", "退出"],
  signInAs: ["Sign in as the demo shop's", "以演示店铺身份登录："],
  seller: ["seller", "卖家"],
  buyer: ["buyer", "买家"],
  admin: ["admin", "管理员"],
  orders: ["Orders", "订单"],
  wait_pay: ["To pay", "待付款"],
  wait_send: ["To ship", "待发货"],
  wait_receipt: ["Shipped", "待收货"],
  completed: ["Completed", "已完成"],
  after_sales: ["After-sales", "售后"],
  closed: ["Closed", "已关闭"],
  all: ["All", "全部"],
  orderNo: ["Order", "订单号"],
  status: ["Status", "状态"],
  buyerId: ["Buyer", "买家"],
  payable: ["Payable", "应付"],
  created: ["Created", "下单时间"],
  total: ["Total", "共"],
  more: ["More", "加载更多"],
  none: ["No orders here.", "暂无订单"],
  lines: ["Lines", "商品"],
  amounts: ["Amounts", "金额"],
  address: ["Address", "收货地址"],
  timeline: ["Timeline", "时间线"],
  ship: ["Ship", "发货"],
  carrierCode: ["Carrier code", "快递公司编码"],
  carrierName: ["Carrier name", "快递公司"],
  trackingNo: ["Tracking number", "运单号"],
  back: ["Back to the orders", "返回订单列表"],
  loading: ["Loading…", "加载中…"],
  language: ["中文", "English"],
  goods: ["Goods", "商品金额"],
  shipping: ["Shipping", "运费"],
  paid: ["Paid", "实付"],
  refundCase: ["Refund case", "售后单"],
  pastCases: ["Past cases", "历史售后单"],
  kind: ["Kind", "类型"],
  amount: ["Amount", "金额"],
  reason: ["Reason", "原因"],
  payout: ["Money back", "退款进度"],
  approve: ["Approve", "同意"],
  reject: ["Reject", "拒绝"],
  rejectReason: ["Why it is rejected", "拒绝原因"],
  confirmReturn: ["Goods received: confirm the return", "已收到退货，确认退款"],
  restock: ["Put the goods back on sale", "退货商品重新上架"],
  retryPayout: ["Retry the money back", "重试退款"],
  skus: ["SKUs", "商品库存"],
  skuId: ["SKU id", "商品编号"],
  find: ["Find", "查询"],
  onHand: ["On hand", "在库"],
  reserved: ["Reserved", "已占用"],
  available: ["Available", "可售"],
  setOnHand: ["Set on hand", "设置在库数量"],
  save: ["Save", "保存"],
  adjust: ["Adjust (goods received or lost)", "调整库存（入库或损耗）"],
  delta: ["Units (+ received, − lost)", "数量（+入库，−损耗）"],
  adjustReason: ["Why", "原因"],
  saved: ["Saved.", "已保存。"],
  updated: ["Updated", "更新时间"],
} as const;

export type Word = keyof typeof words;

export function t(word: Word): string {
  return words[word][session.lang === "zh" ? 1 : 0];
}

/** A time in the shop's time zone (China Standard Time), as staff read it. */
export function time(value?: string | null): string {
  if (!value) return "";
  return new Date(value).toLocaleString(session.lang === "zh" ? "zh-CN" : "en-GB", { timeZone: "Asia/Shanghai" });
}

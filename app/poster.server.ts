import QRCode from "qrcode";

/** The QR code of a letter's address, as inline SVG (no image request; sharp at any print size). */
export function letterQrSvg(url: string): Promise<string> {
  return QRCode.toString(url, { type: "svg", errorCorrectionLevel: "M", margin: 2, color: { dark: "#000000", light: "#ffffff" } });
}

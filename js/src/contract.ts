// The constants the front end shares with Python, from the package's contract.json (bundled by
// esbuild; Python reads the same file through mmphate_widget.contract).
import CONTRACT from "../../mmphate_widget/contract.json";

export default CONTRACT;
export const VERSION: string = CONTRACT.version;

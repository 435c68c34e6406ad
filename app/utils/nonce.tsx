import { createContext, useContext } from "react";

// Set by entry.server around the whole document; empty in the browser, where it is not needed.
export const NonceContext = createContext<string | undefined>(undefined);
export const useNonce = () => useContext(NonceContext);

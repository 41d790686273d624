// Pulumi calls an exported function and takes what it returns as the stack outputs.
import { istioLab } from "./components/program";

export = istioLab;

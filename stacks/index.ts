/** Entry point for `pulumi up` / `pulumi preview`: one stack per environment, holding all its regions. */
import { program } from "./program";

export = program().then((result) => result.outputs);

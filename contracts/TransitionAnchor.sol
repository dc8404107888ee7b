// SPDX-License-Identifier: MIT
pragma solidity >=0.8.4 <0.9.0;

// zkforget's on-chain anchor: a registry of each controller's current state that moves only
// along proved transitions (the chain rule of `zkforget verify-chain`, enforced by the chain).
//
// `zkforget export-solidity PROFILE --anchor` renders this file for one profile: it renames the
// contract and the verifier interface, and fills in the public-signal count and the positions of
// the old and new state (marked /*SIGNALS*/, /*OLD*/, /*NEW*/ below); as written it is the layout
// of every built-in transition profile: (old, new, deletionDigest).

/// The Groth16 verifier of the profile, as `zkforget export-solidity` writes it (snarkjs's template).
interface ITransitionVerifier {
    function verifyProof(
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[/*SIGNALS*/3] calldata pubSignals
    ) external view returns (bool);
}

/// Each controller (an Ethereum account) registers its genesis state once; from then on its state
/// advances only by a transition whose Groth16 proof verifies and whose old state is its current
/// state. A state belongs to the first controller that records it, so nobody can register or
/// advance into another controller's state, and a replayed or forked transition finds its old
/// state no longer current.
contract TransitionAnchor {
    /// Number of public signals of the profile, and where its old and new state are among them.
    uint256 internal constant SIGNALS = /*SIGNALS*/3;
    uint256 internal constant OLD = /*OLD*/0;
    uint256 internal constant NEW = /*NEW*/1;
    /// The BN254 scalar field: states are field elements.
    uint256 internal constant FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617;

    /// The profile's verifier; fixed at deployment, so whoever reads this registry checks it once.
    ITransitionVerifier public immutable verifier;

    /// The controller's current state; 0 means not registered (0 is never a state: it is the empty leaf).
    mapping(address => uint256) public currentState;
    /// Number of transitions the controller has made since its genesis.
    mapping(address => uint256) public transitionCount;
    /// The controller that first recorded a state (genesis or transition).
    mapping(uint256 => address) public stateOwner;

    /// A controller registered its genesis state.
    event Registered(address indexed controller, uint256 indexed state);
    /// A controller's state advanced by a verified transition, the `seq`-th since its genesis.
    event Advanced(
        address indexed controller,
        uint256 indexed oldState,
        uint256 indexed newState,
        uint256 seq,
        uint256[SIGNALS] publicSignals
    );

    error AlreadyRegistered(address controller, uint256 state);
    error NotRegistered(address controller);
    error NotAFieldElement(uint256 value);
    error StateOfAnotherController(uint256 state, address owner);
    error NotCurrentState(uint256 current, uint256 claimedOld);
    error NoTransition(uint256 state);
    error InvalidProof();

    constructor(ITransitionVerifier verifier_) {
        verifier = verifier_;
    }

    /// Records the caller's genesis state (the controller's claim: nothing proves it; a verifier
    /// checks off chain that it is the committed dataset with the empty model and the published
    /// config). Once only: a second genesis would fork the caller's chain.
    function register(uint256 genesisState) external {
        if (genesisState == 0 || genesisState >= FIELD) revert NotAFieldElement(genesisState);
        uint256 current = currentState[msg.sender];
        if (current != 0) revert AlreadyRegistered(msg.sender, current);
        claim(genesisState);
        currentState[msg.sender] = genesisState;
        emit Registered(msg.sender, genesisState);
    }

    /// Moves the caller's state from pubSignals[OLD] to pubSignals[NEW] when the proof verifies and
    /// pubSignals[OLD] is the caller's current state. Returns the transition's sequence number.
    function advance(
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[SIGNALS] calldata pubSignals
    ) external returns (uint256 seq) {
        uint256 current = currentState[msg.sender];
        if (current == 0) revert NotRegistered(msg.sender);
        uint256 oldState = pubSignals[OLD];
        uint256 newState = pubSignals[NEW];
        if (oldState != current) revert NotCurrentState(current, oldState);
        if (newState == oldState) revert NoTransition(oldState);
        // The cheap checks first: a refused transition costs no pairing.
        if (!verifier.verifyProof(pA, pB, pC, pubSignals)) revert InvalidProof();
        claim(newState);
        currentState[msg.sender] = newState;
        seq = ++transitionCount[msg.sender];
        emit Advanced(msg.sender, oldState, newState, seq, pubSignals);
    }

    /// Makes the caller the owner of `state`, unless another controller already recorded it.
    function claim(uint256 state) private {
        address owner = stateOwner[state];
        if (owner == address(0)) stateOwner[state] = msg.sender;
        else if (owner != msg.sender) revert StateOfAnotherController(state, owner);
    }
}
